{#-
    One row per pilot x ticket in the pilot's scope: its queues x regions (pilot_scope, through
    int_pilots__windows) in its channels (pilot_channels; the playbook's pilot.channels), with the
    ticket's outcome flags, draft counts and coverage (int_tickets__drafts_joined) and the windows
    it falls in. This is the one place that says which
    tickets a pilot covers: its metric samples, its arms, its assignment check and its go/no-go
    read it. Every in-scope ticket is listed, whatever its dates (a call in the pilot window can be
    for a ticket created before it); the flags say which window counts it.
-#}
with

windows as (

    select * from {{ ref('int_pilots__windows') }}

),

channels as (

    select * from {{ ref('pilot_channels') }}

),

tickets as (

    select * from {{ ref('int_tickets__drafts_joined') }}

),

final as (

    select
        windows.pilot_id,
        tickets.ticket_id,
        tickets.created_at,
        tickets.solved_at,
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
        tickets.solved_date,
        tickets.is_solved,
        tickets.is_agent_solved,
        tickets.is_deflected,
        tickets.is_first_contact_resolution,
        tickets.is_escalated,
        tickets.is_reopened,
        tickets.agent_handle_time_seconds,
        tickets.is_csat_response,
        tickets.is_csat_good,
        tickets.drafts_decided,
        tickets.drafts_accepted,
        tickets.is_coverage_eligible,
        tickets.is_covered,
        coalesce(
            tickets.solved_date between windows.baseline_start_date and windows.baseline_end_date, false
        ) as is_baseline_solved,
        coalesce(
            tickets.solved_date between windows.pilot_start_date and windows.pilot_evaluated_end_date, false
        ) as is_pilot_solved,
        cast(tickets.created_at as date) between windows.pilot_start_date and windows.pilot_evaluated_end_date
            as is_pilot_created
    from windows
    inner join channels
        on windows.pilot_id = channels.pilot_id
    inner join tickets
        on
            windows.queue = tickets.queue
            and windows.region = tickets.region
            and channels.channel = tickets.channel

)

select * from final
