{{ ticket_family_model() }}
{#-
    One row per valid model call with its ticket's queue, region, arm and solved day, its status
    flags, and its
    cost: input_tokens x input price + output_tokens x output price (USD per 1M tokens) of the
    model's price in force on the call's UTC day (seed model_prices). A call whose model has no
    price in force that day has a null cost and is_priced = false: it is counted, never priced at 0.
    Incremental by ticket family (macro ticket_families_in_scope): a run recomputes the calls of
    the families delivered since its latest loaded_at (the call's); a price change needs --full-refresh.
-#}
with

calls as (

    select * from {{ ref('stg_copilot__prompt_logs') }}
    where {{ ticket_family_in_scope() }}

),

tickets as (

    select
        ticket_id,
        queue,
        region,
        is_copilot_enabled,
        solved_date
    from {{ ref('int_tickets__outcome_flags') }}
    where {{ ticket_family_in_scope() }}

),

prices as (

    select * from {{ ref('model_prices') }}

),

calls_with_tickets as (

    select
        calls.prompt_id,
        calls.ticket_id,
        calls.draft_id,
        calls.logged_at,
        calls.processing_region,
        calls.model,
        calls.prompt_template_version,
        calls.input_tokens,
        calls.output_tokens,
        calls.latency_ms,
        calls.call_status,
        calls.is_pii_detected,
        calls.is_pii_redacted,
        calls.is_jailbreak_flagged,
        calls.loaded_at,
        tickets.queue as ticket_queue,
        tickets.region as ticket_region,
        tickets.is_copilot_enabled as is_ticket_copilot_enabled,
        tickets.solved_date as ticket_solved_date,
        cast(calls.logged_at as date) as call_date,
        calls.call_status = 'ok' as is_ok,
        calls.call_status in ('error', 'timeout') as is_failed,
        tickets.ticket_id is not null as has_known_ticket
    from calls
    left join tickets
        on calls.ticket_id = tickets.ticket_id

),

priced as (

    select
        calls_with_tickets.*,
        prices.input_usd_per_1m_tokens,
        prices.output_usd_per_1m_tokens,
        prices.input_usd_per_1m_tokens is not null as is_priced,
        (
            cast(calls_with_tickets.input_tokens as {{ type_double() }}) * prices.input_usd_per_1m_tokens
            + cast(calls_with_tickets.output_tokens as {{ type_double() }}) * prices.output_usd_per_1m_tokens
        ) / 1000000 as cost_usd
    from calls_with_tickets
    left join prices
        on
            calls_with_tickets.model = prices.model
            and calls_with_tickets.call_date >= prices.valid_from
            and (prices.valid_to is null or calls_with_tickets.call_date < prices.valid_to)

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
        cost_usd,
        loaded_at
    from priced

)

select * from final
