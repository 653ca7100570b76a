{{ config(materialized='view') }}
{#-
    One row per valid model call with its ticket's queue, region, arm and solved day, and its cost
    (int_model_calls__priced: the price in force on the call's day; null and is_priced = false
    without one). The prompt text is not carried here (sensitive, 30-day retention). A view: the
    calls are priced, incrementally, in int_model_calls__priced.
-#}
with

calls as (

    select * from {{ ref('int_model_calls__priced') }}

),

final as (

    select
        prompt_id,
        ticket_id,
        draft_id,
        logged_at,
        call_date,
        processing_region,
        model,
        prompt_template_version,
        input_tokens,
        output_tokens,
        latency_ms,
        call_status,
        is_ok,
        is_failed,
        is_pii_detected,
        is_pii_redacted,
        is_jailbreak_flagged,
        has_known_ticket,
        ticket_queue,
        ticket_region,
        is_ticket_copilot_enabled,
        ticket_solved_date,
        input_usd_per_1m_tokens,
        output_usd_per_1m_tokens,
        is_priced,
        cost_usd
    from calls

)

select * from final
