{#-
    Per intent x region: the threshold in force on the as-of day beside the recommended one, the
    lowest band_lower whose acceptance_at_or_above meets the auto-suggest acceptance target
    (seed kpi_targets, draft_acceptance_rate, 0.60) with at least var min_drafts decided drafts at
    or above it (null when no band does), and the acceptance and coverage that threshold would
    bring. configured_* columns give the same figures at the configured threshold itself
    (computed exactly from the drafts, as it need not be a band edge).
-#}
{%- set min_drafts = project_var_int('min_drafts', 1, 1000000) -%}

with

bands as (

    select * from {{ ref('threshold_acceptance_by_intent') }}

),

drafts as (

    select * from {{ ref('fct_drafts') }}
    where is_decided and has_known_ticket

),

target as (

    select target_value as acceptance_target
    from {{ ref('kpi_targets') }}
    where metric = 'draft_acceptance_rate'

),

intent_regions as (

    select
        intent,
        region,
        max(configured_suggest_min_conf) as configured_suggest_min_conf,
        max(drafts_at_or_above) as drafts_decided
    from bands
    group by intent, region

),

qualifying as (

    select
        bands.intent,
        bands.region,
        min(bands.band_lower) as recommended_suggest_min_conf
    from bands
    cross join target
    where
        bands.acceptance_at_or_above >= target.acceptance_target
        and bands.drafts_at_or_above >= {{ min_drafts }}
    group by bands.intent, bands.region

),

{%- set at_or_above = 'drafts.confidence_score >= intent_regions.configured_suggest_min_conf' %}

at_configured as (

    select
        drafts.intent,
        drafts.ticket_region as region,
        {{ count_where(at_or_above) }} as configured_drafts_at_or_above,
        {{ count_where(at_or_above ~ ' and drafts.is_accepted') }} as configured_drafts_accepted_at_or_above
    from drafts
    inner join intent_regions
        on
            drafts.intent = intent_regions.intent
            and drafts.ticket_region = intent_regions.region
    group by drafts.intent, drafts.ticket_region

),

final as (

    select
        intent_regions.intent,
        intent_regions.region,
        intent_regions.configured_suggest_min_conf,
        qualifying.recommended_suggest_min_conf,
        recommended.acceptance_at_or_above as expected_acceptance,
        recommended.coverage_at_or_above as expected_coverage,
        cast(intent_regions.drafts_decided as {{ dbt.type_bigint() }}) as drafts_decided,
        recommended.drafts_at_or_above as expected_drafts_at_or_above,
        {{ safe_divide(
            'at_configured.configured_drafts_accepted_at_or_above', 'at_configured.configured_drafts_at_or_above'
        ) }} as configured_acceptance,
        {{ safe_divide('at_configured.configured_drafts_at_or_above', 'intent_regions.drafts_decided') }}
            as configured_coverage,
        at_configured.configured_drafts_at_or_above,
        target.acceptance_target,
        cast({{ min_drafts }} as {{ dbt.type_int() }}) as min_drafts
    from intent_regions
    cross join target
    left join qualifying
        on
            intent_regions.intent = qualifying.intent
            and intent_regions.region = qualifying.region
    left join bands as recommended
        on
            qualifying.intent = recommended.intent
            and qualifying.region = recommended.region
            and qualifying.recommended_suggest_min_conf = recommended.band_lower
    left join at_configured
        on
            intent_regions.intent = at_configured.intent
            and intent_regions.region = at_configured.region

)

select * from final
