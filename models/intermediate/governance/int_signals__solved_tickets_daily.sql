{#-
    Solved tickets (both arms) per solved day, queue, ticket intent and region: the populations of
    the CSAT drop (every solved ticket, its CSAT responses rated good or bad and good responses) and
    of the escalation breach (copilot-enabled agent-solved tickets and how many were escalated).
    int_governance__signal_inputs_daily sums them to each signal's scope (queue x region, intent x
    region). Tickets with no intent (unclassified by the router) count for the CSAT drop only: the
    escalation rule acts per intent (disable auto-suggest for the intent), and an unclassified
    ticket has none to act on (DECISIONLOG.md#anomalies-and-the-rollback-gate).
-#}
with

tickets as (

    select * from {{ ref('int_tickets__outcome_flags') }}
    where is_solved

),

flagged as (

    select
        solved_date,
        queue,
        intent,
        region,
        is_csat_response,
        is_csat_good,
        is_escalated,
        coalesce(is_agent_solved and is_copilot_enabled, false) as is_copilot_agent_solved
    from tickets

),

aggregated as (

    select
        solved_date,
        queue,
        intent,
        region,
        count(*) as tickets_solved,
        sum(case when is_csat_response then 1 else 0 end) as csat_responses,
        sum(case when is_csat_good then 1 else 0 end) as csat_good_responses,
        sum(case when is_copilot_agent_solved then 1 else 0 end) as copilot_agent_tickets_solved,
        sum(case when is_copilot_agent_solved and is_escalated then 1 else 0 end) as copilot_agent_tickets_escalated
    from flagged
    group by solved_date, queue, intent, region

)

select * from aggregated
