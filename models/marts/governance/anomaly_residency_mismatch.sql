{#-
    One row per prompt call that breaks the residency policy, and per call whose ticket is still
    pending (reason pending_ticket: not a violation yet, fires nothing), over every call in the
    data; quarantined calls included (is_call_quarantined). The classification is
    int_governance__residency_calls.
-#}
with

residency_calls as (

    select * from {{ ref('int_governance__residency_calls') }}

),

final as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        ticket_region,
        processing_region,
        reason,
        overdue_after,
        is_call_quarantined,
        logged_date,
        is_violation,
        is_ticket_quarantined
    from residency_calls

)

select * from final
