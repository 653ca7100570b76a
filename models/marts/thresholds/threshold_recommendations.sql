{#-
    Per intent x region: the threshold in force on the as-of day beside the recommended one
    (marts.md v1.1). Drafts below the configured threshold are suppressed (never shown, never
    decided), so a band without decided drafts says nothing about their acceptance and a
    recommendation never reaches into it.
    Candidates: every band at or above the band holding the configured threshold; a band below it
    only when it and every band between it and the configured threshold's band hold at least var
    min_band_drafts decided drafts of their own (drafts_decided of the band, not cumulative).
    A candidate's value is its band_lower, except the band holding the configured threshold, whose
    value is the configured threshold itself (max(band_lower, configured): its lower part was
    suppressed), with the figures at the configured threshold (configured_*, counted exactly from
    the drafts: int_intent_thresholds__at_configured, as it need not be a band edge).
    recommended_suggest_min_conf: the lowest candidate value whose acceptance at or above it meets
    the auto-suggest acceptance target (seed kpi_targets, draft_acceptance_rate) with at least var
    min_drafts decided drafts at or above it; null when none does (and when no threshold is in force).
-#}
{%- set min_drafts = project_var('min_drafts') -%}
{%- set min_band_drafts = project_var('min_band_drafts') -%}

with

bands as (

    select * from {{ ref('threshold_acceptance_by_intent') }}

),

at_configured as (

    select * from {{ ref('int_intent_thresholds__at_configured') }}

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

configured as (

    select
        intent_regions.intent,
        intent_regions.region,
        intent_regions.configured_suggest_min_conf,
        intent_regions.drafts_decided,
        at_configured.configured_drafts_at_or_above,
        at_configured.configured_drafts_accepted_at_or_above,
        {{ safe_divide(
            'at_configured.configured_drafts_accepted_at_or_above', 'at_configured.configured_drafts_at_or_above'
        ) }} as configured_acceptance,
        {{ safe_divide('at_configured.configured_drafts_at_or_above', 'intent_regions.drafts_decided') }}
            as configured_coverage
    from intent_regions
    left join at_configured
        on
            intent_regions.intent = at_configured.intent
            and intent_regions.region = at_configured.region

),

indexed_bands as (

    select
        bands.intent,
        bands.region,
        bands.band_lower,
        bands.drafts_decided,
        bands.drafts_at_or_above,
        bands.drafts_accepted_at_or_above,
        bands.acceptance_at_or_above,
        bands.coverage_at_or_above,
        {{ confidence_band_index('bands.band_lower') }} as band_index,
        {{ confidence_band_index('configured.configured_suggest_min_conf') }} as configured_band_index
    from bands
    inner join configured
        on
            bands.intent = configured.intent
            and bands.region = configured.region

),

evidence as (

    {#- The lowest candidate band: one above the highest band below the configured threshold's band
        with fewer than min_band_drafts decided drafts (band 0 when there is none). -#}
    select
        intent,
        region,
        coalesce(
            max(
                case
                    when band_index < configured_band_index and drafts_decided < {{ min_band_drafts }}
                        then band_index
                end
            ),
            -1
        ) + 1 as lowest_candidate_band_index
    from indexed_bands
    where configured_band_index is not null
    group by intent, region

),

candidates as (

    select
        indexed_bands.intent,
        indexed_bands.region,
        indexed_bands.band_index,
        case
            when indexed_bands.band_index = indexed_bands.configured_band_index
                then configured.configured_suggest_min_conf
            else indexed_bands.band_lower
        end as candidate_value,
        case
            when indexed_bands.band_index = indexed_bands.configured_band_index
                then configured.configured_drafts_at_or_above
            else indexed_bands.drafts_at_or_above
        end as drafts_at_or_above,
        case
            when indexed_bands.band_index = indexed_bands.configured_band_index
                then configured.configured_drafts_accepted_at_or_above
            else indexed_bands.drafts_accepted_at_or_above
        end as drafts_accepted_at_or_above,
        case
            when indexed_bands.band_index = indexed_bands.configured_band_index
                then configured.configured_acceptance
            else indexed_bands.acceptance_at_or_above
        end as acceptance_at_or_above,
        case
            when indexed_bands.band_index = indexed_bands.configured_band_index
                then configured.configured_coverage
            else indexed_bands.coverage_at_or_above
        end as coverage_at_or_above
    from indexed_bands
    inner join evidence
        on
            indexed_bands.intent = evidence.intent
            and indexed_bands.region = evidence.region
    inner join configured
        on
            indexed_bands.intent = configured.intent
            and indexed_bands.region = configured.region
    where indexed_bands.band_index >= evidence.lowest_candidate_band_index

),

choice as (

    {#- Candidate values grow with band_index, so the lowest qualifying band is the lowest value. -#}
    select
        candidates.intent,
        candidates.region,
        min(candidates.candidate_value) as lowest_evidenced_band_lower,
        min(
            case
                when
                    candidates.acceptance_at_or_above >= target.acceptance_target
                    and candidates.drafts_at_or_above >= {{ min_drafts }}
                    then candidates.band_index
            end
        ) as recommended_band_index
    from candidates
    cross join target
    group by candidates.intent, candidates.region

),

final as (

    select
        configured.intent,
        configured.region,
        configured.configured_suggest_min_conf,
        recommended.candidate_value as recommended_suggest_min_conf,
        recommended.acceptance_at_or_above as expected_acceptance,
        recommended.coverage_at_or_above as expected_coverage,
        cast(configured.drafts_decided as {{ dbt.type_bigint() }}) as drafts_decided,
        cast(recommended.drafts_at_or_above as {{ dbt.type_bigint() }}) as expected_drafts_at_or_above,
        configured.configured_acceptance,
        configured.configured_coverage,
        configured.configured_drafts_at_or_above,
        target.acceptance_target,
        cast({{ min_drafts }} as {{ dbt.type_int() }}) as min_drafts,
        choice.lowest_evidenced_band_lower,
        {{ wilson_lower('recommended.drafts_accepted_at_or_above', 'recommended.drafts_at_or_above') }}
            as acceptance_at_or_above_lower,
        cast({{ min_band_drafts }} as {{ dbt.type_int() }}) as min_band_drafts
    from configured
    cross join target
    left join choice
        on
            configured.intent = choice.intent
            and configured.region = choice.region
    left join candidates as recommended
        on
            choice.intent = recommended.intent
            and choice.region = recommended.region
            and choice.recommended_band_index = recommended.band_index

)

select * from final
