{#-
    Drafts per drafted day, draft intent, ticket region and confidence bin, for the population
    stability index. Bins are equal-width over [0, 1], their count configured in
    advisory_signals (confidence_psi.bins); a score of exactly 1 falls in the top bin.
-#}
with

drafts as (

    select * from {{ ref('int_drafts__outcome_flags') }}
    where has_known_ticket

),

psi_config as (

    select bins from {{ ref('int_governance__signal_config') }}
    where signal = 'confidence_psi'

),

binned as (

    select
        drafts.drafted_date,
        drafts.intent,
        drafts.ticket_region as region,
        drafts.confidence_score,
        case
            when drafts.confidence_score >= 1 then psi_config.bins - 1
            else cast(floor(drafts.confidence_score * psi_config.bins) as {{ dbt.type_int() }})
        end as bin_index
    from drafts
    cross join psi_config

),

aggregated as (

    select
        drafted_date,
        intent,
        region,
        bin_index,
        count(*) as drafts,
        sum(confidence_score) as confidence_sum
    from binned
    group by drafted_date, intent, region, bin_index

)

select * from aggregated
