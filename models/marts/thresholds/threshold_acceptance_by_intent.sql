{#-
    Acceptance by confidence band, per draft intent x ticket region, over all decided drafts in
    the data (drafts whose ticket is unknown have no region and are left out). Every intent x
    region with a decided draft gets all 20 bands (band_lower 0.00 .. 0.95; a band is
    [band_lower, band_upper), the top band includes 1.00). Band membership is exact (macro
    confidence_band_index): a score of 0.85 is in band 0.85 and at or above 0.85.
    The "at or above" columns are cumulative from the band up; coverage_at_or_above is the share
    of the intent x region's decided drafts at or above band_lower.
-#}
with

drafts as (

    select * from {{ ref('fct_drafts') }}
    where is_decided and has_known_ticket

),

thresholds_as_of as (

    select * from {{ ref('int_intent_thresholds__as_of') }}

),

bands as (

    {% for band_index in range(20) %}
    select {{ band_index }} as band_index
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

intent_regions as (

    select distinct
        intent,
        ticket_region as region
    from drafts

),

per_band as (

    select
        intent,
        ticket_region as region,
        {{ confidence_band_index('confidence_score') }} as band_index,
        count(*) as drafts_decided,
        {{ count_where('is_accepted') }} as drafts_accepted
    from drafts
    group by intent, ticket_region, {{ confidence_band_index('confidence_score') }}

),

grid as (

    select
        intent_regions.intent,
        intent_regions.region,
        bands.band_index,
        coalesce(per_band.drafts_decided, 0) as drafts_decided,
        coalesce(per_band.drafts_accepted, 0) as drafts_accepted
    from intent_regions
    cross join bands
    left join per_band
        on
            intent_regions.intent = per_band.intent
            and intent_regions.region = per_band.region
            and bands.band_index = per_band.band_index

),

cumulative as (

    select
        *,
        sum(drafts_decided) over (
            partition by intent, region order by band_index desc rows between unbounded preceding and current row
        ) as drafts_decided_at_or_above,
        sum(drafts_accepted) over (
            partition by intent, region order by band_index desc rows between unbounded preceding and current row
        ) as drafts_accepted_at_or_above,
        sum(drafts_decided) over (partition by intent, region) as intent_region_drafts_decided
    from grid

),

final as (

    select
        cumulative.intent,
        cumulative.region,
        {{ confidence_band_bound('cumulative.band_index') }} as band_lower,
        {{ confidence_band_bound('cumulative.band_index + 1') }} as band_upper,
        cast(cumulative.drafts_decided as {{ dbt.type_bigint() }}) as drafts_decided,
        cast(cumulative.drafts_accepted as {{ dbt.type_bigint() }}) as drafts_accepted,
        {{ metric_value_sql('draft_acceptance_rate', prefix='cumulative.') }} as acceptance_rate,
        cast(cumulative.drafts_decided_at_or_above as {{ dbt.type_bigint() }}) as drafts_at_or_above,
        {{ metric_value_sql('draft_acceptance_rate', prefix='cumulative.', suffix='_at_or_above') }}
            as acceptance_at_or_above,
        {{ safe_divide('cumulative.drafts_decided_at_or_above', 'cumulative.intent_region_drafts_decided') }}
            as coverage_at_or_above,
        thresholds_as_of.suggest_min_conf as configured_suggest_min_conf,
        thresholds_as_of.review_below_conf as configured_review_below_conf,
        cast(cumulative.drafts_accepted_at_or_above as {{ dbt.type_bigint() }}) as drafts_accepted_at_or_above,
        {{ metric_bound_sql('draft_acceptance_rate', -1, prefix='cumulative.') }} as acceptance_rate_lower,
        {{ metric_bound_sql('draft_acceptance_rate', 1, prefix='cumulative.') }} as acceptance_rate_upper,
        {{ metric_bound_sql('draft_acceptance_rate', -1, prefix='cumulative.', suffix='_at_or_above') }}
            as acceptance_at_or_above_lower,
        {{ metric_bound_sql('draft_acceptance_rate', 1, prefix='cumulative.', suffix='_at_or_above') }}
            as acceptance_at_or_above_upper,
        thresholds_as_of.threshold_intent as configured_threshold_intent,
        thresholds_as_of.as_of_date
    from cumulative
    left join thresholds_as_of
        on cumulative.intent = thresholds_as_of.intent

)

select * from final
