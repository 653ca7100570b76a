{{ ticket_family_model() }}
{#-
    One row per valid ticket with its outcome flags, its drafts counted by funnel step and its
    coverage (int_tickets__drafts_joined), and its model calls with their cost (fct_model_calls).
    Incremental by ticket family (macro ticket_families_in_scope): a run recomputes the tickets
    whose ticket, drafts or calls were delivered since its latest loaded_at (the ticket's).
-#}
with

tickets as (

    select * from {{ ref('int_tickets__drafts_joined') }}
    where {{ ticket_family_in_scope() }}

),

calls as (

    select * from {{ ref('fct_model_calls') }}
    where {{ ticket_family_in_scope() }}

),

calls_per_ticket as (

    select
        ticket_id,
        count(*) as model_calls,
        {{ count_where('not is_priced') }} as unpriced_model_calls,
        case when {{ count_where('not is_priced') }} = 0 then sum(cost_usd) end as model_cost_usd
    from calls
    group by ticket_id

),

joined as (

    select
        tickets.*,
        calls_per_ticket.model_cost_usd,
        coalesce(calls_per_ticket.model_calls, 0) as model_calls,
        coalesce(calls_per_ticket.unpriced_model_calls, 0) as unpriced_model_calls
    from tickets
    left join calls_per_ticket
        on tickets.ticket_id = calls_per_ticket.ticket_id

),

final as (

    select
        ticket_id,
        created_at,
        solved_at,
        solved_date,
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
        is_solved,
        is_agent_solved,
        is_deflected,
        is_first_contact_resolution,
        is_escalated,
        is_reopened,
        agent_handle_time_seconds,
        is_csat_response,
        is_csat_good,
        drafts_written,
        drafts_shown,
        drafts_decided,
        drafts_accepted,
        has_draft,
        is_coverage_eligible,
        is_covered,
        model_calls,
        unpriced_model_calls,
        model_cost_usd,
        loaded_at
    from joined

)

select * from final
