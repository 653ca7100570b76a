{{ ticket_family_model() }}
{#-
    One row per valid ticket with the flags every ticket metric is counted from
    (shared/contract/metrics.md). A flag is null where it does not apply: an unsolved ticket has
    no outcome, a ticket no agent solved has no FCR, escalation or reopen outcome.
    Incremental by ticket family (macro ticket_families_in_scope): a run recomputes the tickets
    delivered since its latest loaded_at, and deletes those whose latest delivery became invalid.
-#}
with

tickets as (

    select * from {{ ref('stg_copilot__ticket_outcomes') }}
    where {{ ticket_family_in_scope() }}

),

flagged as (

    select
        ticket_id,
        created_at,
        solved_at,
        queue,
        intent,
        region,
        channel,
        is_copilot_enabled,
        resolved_by,
        agent_id,
        handle_time_seconds,
        agent_replies,
        reopens,
        satisfaction_rating,
        loaded_at,
        cast(solved_at as date) as solved_date,
        solved_at is not null as is_solved,
        case when solved_at is not null then resolved_by = 'agent' end as is_agent_solved,
        case when solved_at is not null then resolved_by = 'self_service' end as is_deflected,
        case
            when solved_at is not null and resolved_by = 'agent'
                then coalesce(agent_replies <= 1 and reopens = 0, false)
        end as is_first_contact_resolution,
        case when solved_at is not null and resolved_by = 'agent' then is_escalated end as is_escalated,
        case when solved_at is not null and resolved_by = 'agent' then coalesce(reopens > 0, false) end as is_reopened,
        case
            when solved_at is not null and resolved_by = 'agent' and handle_time_seconds is not null
                then handle_time_seconds
        end as agent_handle_time_seconds,
        case
            when solved_at is not null then satisfaction_rating in ('good', 'bad')
        end as is_csat_response,
        case
            when solved_at is not null and satisfaction_rating in ('good', 'bad') then satisfaction_rating = 'good'
        end as is_csat_good
    from tickets

)

select * from flagged
