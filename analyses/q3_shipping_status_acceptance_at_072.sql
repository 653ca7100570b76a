-- "What acceptance would shipping_status get at 0.72 instead of 0.80?"
-- From threshold_acceptance_by_intent: acceptance_at_or_above of band_lower 0.80 is the
-- acceptance with a suggest threshold at 0.80. 0.72 is not a band edge; drafts below the
-- configured 0.72 were suppressed and never decided, so the decided drafts at or above band
-- 0.70 are exactly those at or above 0.72, and band 0.70's row answers "at 0.72".
-- threshold_recommendations gives the same at the configured threshold exactly
-- (configured_acceptance, configured_coverage) and the recommended one.
select
    bands.region,
    bands.band_lower,
    bands.configured_suggest_min_conf,
    bands.drafts_at_or_above,
    bands.acceptance_at_or_above,
    bands.acceptance_at_or_above_lower,
    bands.acceptance_at_or_above_upper,
    bands.coverage_at_or_above,
    recommendations.configured_acceptance,
    recommendations.recommended_suggest_min_conf,
    recommendations.expected_acceptance
from {{ ref('threshold_acceptance_by_intent') }} as bands
left join {{ ref('threshold_recommendations') }} as recommendations
    on
        bands.intent = recommendations.intent
        and bands.region = recommendations.region
where
    bands.intent = 'shipping_status'
    and bands.band_lower in (0.70, 0.80)
order by bands.region, bands.band_lower
