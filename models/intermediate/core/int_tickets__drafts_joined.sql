{{ ticket_family_model() }}
{#-
    One row per valid ticket: its outcome flags (int_tickets__outcome_flags), its drafts counted
    by funnel step (int_drafts__outcome_flags) and its coverage. A copilot-enabled agent-solved
    ticket is coverage-eligible, and covered when at least one draft was written for it; coverage
    is null (not applicable) for every other ticket. Incremental by ticket family (macro
    ticket_families_in_scope).
-#}
with

tickets as (

    select * from {{ ref('int_tickets__outcome_flags') }}
    where {{ ticket_family_in_scope() }}

),

drafts as (

    select * from {{ ref('int_drafts__outcome_flags') }}
    where {{ ticket_family_in_scope() }}

),

drafts_per_ticket as (

    select
        ticket_id,
        count(*) as drafts_written,
        {{ count_where('is_shown') }} as drafts_shown,
        {{ count_where('is_decided') }} as drafts_decided,
        {{ count_where('is_accepted') }} as drafts_accepted
    from drafts
    group by ticket_id

),

final as (

    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.solved_at,
        tickets.solved_date,
        tickets.queue,
        tickets.intent,
        tickets.region,
        tickets.channel,
        tickets.is_copilot_enabled,
        tickets.resolved_by,
        tickets.agent_id,
        tickets.handle_time_seconds,
        tickets.agent_replies,
        tickets.reopens,
        tickets.satisfaction_rating,
        tickets.loaded_at,
        tickets.is_solved,
        tickets.is_agent_solved,
        tickets.is_deflected,
        tickets.is_first_contact_resolution,
        tickets.is_escalated,
        tickets.is_reopened,
        tickets.agent_handle_time_seconds,
        tickets.is_csat_response,
        tickets.is_csat_good,
        coalesce(drafts_per_ticket.drafts_written, 0) as drafts_written,
        coalesce(drafts_per_ticket.drafts_shown, 0) as drafts_shown,
        coalesce(drafts_per_ticket.drafts_decided, 0) as drafts_decided,
        coalesce(drafts_per_ticket.drafts_accepted, 0) as drafts_accepted,
        coalesce(drafts_per_ticket.drafts_written, 0) > 0 as has_draft,
        coalesce(tickets.is_agent_solved and tickets.is_copilot_enabled, false) as is_coverage_eligible,
        case
            when tickets.is_agent_solved and tickets.is_copilot_enabled
                then coalesce(drafts_per_ticket.drafts_written, 0) > 0
        end as is_covered
    from tickets
    left join drafts_per_ticket
        on tickets.ticket_id = drafts_per_ticket.ticket_id

)

select * from final
