{#-
    Copilot-enabled agent-solved tickets per solved day, ticket intent and region, and how many
    were escalated: the population of the escalation breach. Tickets with no intent
    (unclassified by the router) are left out: the rule acts per intent (disable auto-suggest
    for the intent), and an unclassified ticket has none to act on (DECISIONLOG.md#anomalies-and-the-rollback-gate).
-#}
with

tickets as (

    select * from {{ ref('int_tickets__outcome_flags') }}
    where
        is_agent_solved
        and is_copilot_enabled
        and intent is not null

),

aggregated as (

    select
        solved_date,
        intent,
        region,
        count(*) as agent_tickets_solved,
        sum(case when is_escalated then 1 else 0 end) as escalated_tickets
    from tickets
    group by solved_date, intent, region

)

select * from aggregated
