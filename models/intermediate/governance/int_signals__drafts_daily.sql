{#-
    Drafts per drafted day, draft intent and ticket region: the population of the confidence
    signals (drift and PSI). All drafts count, shown or suppressed; a draft whose ticket is
    unknown has no region and takes no part (shared/contract/metrics.md).
-#}
with

drafts as (

    select * from {{ ref('int_drafts__outcome_flags') }}
    where has_known_ticket

),

aggregated as (

    select
        drafted_date,
        intent,
        ticket_region as region,
        count(*) as drafts,
        sum(confidence_score) as confidence_sum
    from drafts
    group by drafted_date, intent, ticket_region

)

select * from aggregated
