{#-
    Copilot operations per UTC day x queue x region x model x prompt template version.
    Call metrics count calls by their logged_at day; latency percentiles are exact continuous
    percentiles over that day's calls with status ok (never averaged across days). Cost per
    solved ticket counts by the ticket's solved day: the cost of the calls (of this model and
    template) for the tickets solved that day, over those tickets. Calls whose ticket is unknown
    keep a null queue and region. A cost is null when any call behind it has no price in force
    (unpriced_model_calls says how many); never a partial sum.
-#}
with

calls as (

    select * from {{ ref('fct_model_calls') }}

),

by_call_day as (

    select
        call_date as operations_date,
        ticket_queue as queue,
        ticket_region as region,
        model,
        prompt_template_version,
        count(*) as model_calls,
        {{ count_where('is_ok') }} as ok_calls,
        {{ count_where('is_failed') }} as failed_calls,
        {{ percentile_cont('case when is_ok then latency_ms end', 0.5) }} as latency_p50_ms,
        {{ percentile_cont('case when is_ok then latency_ms end', 0.95) }} as latency_p95_ms,
        {{ percentile_cont('case when is_ok then latency_ms end', 0.99) }} as latency_p99_ms,
        cast(sum(input_tokens) as {{ dbt.type_bigint() }}) as input_tokens,
        cast(sum(output_tokens) as {{ dbt.type_bigint() }}) as output_tokens,
        {{ count_where('not is_priced') }} as unpriced_model_calls,
        case when {{ count_where('not is_priced') }} = 0 then sum(cost_usd) end as cost_usd
    from calls
    group by call_date, ticket_queue, ticket_region, model, prompt_template_version

),

by_solved_day as (

    select
        ticket_solved_date as operations_date,
        ticket_queue as queue,
        ticket_region as region,
        model,
        prompt_template_version,
        count(distinct ticket_id) as tickets_solved,
        {{ count_where('not is_priced') }} as solved_ticket_unpriced_model_calls,
        case when {{ count_where('not is_priced') }} = 0 then sum(cost_usd) end as solved_ticket_cost_usd
    from calls
    where ticket_solved_date is not null
    group by ticket_solved_date, ticket_queue, ticket_region, model, prompt_template_version

),

grain as (

    select
        operations_date,
        queue,
        region,
        model,
        prompt_template_version
    from by_call_day
    union
    select
        operations_date,
        queue,
        region,
        model,
        prompt_template_version
    from by_solved_day

),

final as (

    select
        grain.operations_date,
        grain.queue,
        grain.region,
        grain.model,
        grain.prompt_template_version,
        coalesce(by_call_day.model_calls, 0) as model_calls,
        coalesce(by_call_day.ok_calls, 0) as ok_calls,
        coalesce(by_call_day.failed_calls, 0) as failed_calls,
        {{ safe_divide('by_call_day.failed_calls', 'by_call_day.model_calls') }} as error_rate,
        cast(by_call_day.latency_p50_ms as {{ type_double() }}) as latency_p50_ms,
        cast(by_call_day.latency_p95_ms as {{ type_double() }}) as latency_p95_ms,
        cast(by_call_day.latency_p99_ms as {{ type_double() }}) as latency_p99_ms,
        coalesce(by_call_day.input_tokens, 0) as input_tokens,
        coalesce(by_call_day.output_tokens, 0) as output_tokens,
        coalesce(by_call_day.unpriced_model_calls, 0) as unpriced_model_calls,
        case when by_call_day.model_calls is null then 0 else by_call_day.cost_usd end as cost_usd,
        coalesce(by_solved_day.tickets_solved, 0) as tickets_solved,
        coalesce(by_solved_day.solved_ticket_unpriced_model_calls, 0) as solved_ticket_unpriced_model_calls,
        by_solved_day.solved_ticket_cost_usd,
        {{ safe_divide('by_solved_day.solved_ticket_cost_usd', 'by_solved_day.tickets_solved') }}
            as cost_per_solved_ticket_usd
    from grain
    left join by_call_day
        on
            grain.operations_date = by_call_day.operations_date
            and grain.queue is not distinct from by_call_day.queue
            and grain.region is not distinct from by_call_day.region
            and grain.model = by_call_day.model
            and grain.prompt_template_version = by_call_day.prompt_template_version
    left join by_solved_day
        on
            grain.operations_date = by_solved_day.operations_date
            and grain.queue is not distinct from by_solved_day.queue
            and grain.region is not distinct from by_solved_day.region
            and grain.model = by_solved_day.model
            and grain.prompt_template_version = by_solved_day.prompt_template_version

)

select * from final
