{#-
    One row per pilot x valid model call of a ticket in the pilot's scope (int_pilots__scope_tickets),
    logged in the pilot window (from the pilot's first pilot day to its last evaluated day over its
    queues x regions), with its latency, status and whether the residency check reports it as a
    violation (int_governance__residency_calls). The go/no-go's latency SLO and residency criterion
    count these calls.
-#}
with

windows as (

    select * from {{ ref('int_pilots__windows') }}

),

scope_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}

),

calls as (

    select * from {{ ref('int_model_calls__priced') }}

),

residency_calls as (

    select * from {{ ref('int_governance__residency_calls') }}

),

pilot_windows as (

    select
        pilot_id,
        min(pilot_start_date) as pilot_start_date,
        max(pilot_evaluated_end_date) as pilot_end_date
    from windows
    group by pilot_id

),

final as (

    select
        scope_tickets.pilot_id,
        calls.prompt_id,
        calls.ticket_id,
        calls.call_date,
        calls.ticket_queue,
        calls.ticket_region,
        calls.is_ticket_copilot_enabled,
        calls.is_ok,
        calls.latency_ms,
        coalesce(residency_calls.is_violation, false) as is_residency_violation
    from scope_tickets
    inner join pilot_windows
        on scope_tickets.pilot_id = pilot_windows.pilot_id
    inner join calls
        on
            scope_tickets.ticket_id = calls.ticket_id
            and calls.call_date between pilot_windows.pilot_start_date and pilot_windows.pilot_end_date
    left join residency_calls
        on calls.prompt_id = residency_calls.prompt_id

)

select * from final
