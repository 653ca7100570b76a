{#-
    Draft latency p95 per eval day (advisory): the exact continuous 95th percentile of latency_ms
    over calls with status ok logged in the current window (1 day by default: the metric
    draft_latency_p95_ms, never averaged across days), against the SLO in kpi_targets
    (draft_latency_p95_ms), for every day with calls.
-#}
with

calls as (

    select
        cast(logged_at as date) as logged_date,
        call_status,
        case when call_status = 'ok' then latency_ms end as ok_latency_ms
    from {{ ref('stg_copilot__prompt_logs') }}

),

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'draft_latency_p95'

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('calls', 'logged_date') }}

),

aggregated as (

    select
        eval_dates.eval_date,
        count(*) as calls,
        sum(case when calls.call_status = 'ok' then 1 else 0 end) as ok_calls,
        {{ percentile_cont('calls.ok_latency_ms', 0.95) }} as draft_latency_p95_ms
    from eval_dates
    cross join signal_config
    inner join calls
        on
            {{ dbt.datediff('calls.logged_date', 'eval_dates.eval_date', 'day') }}
            between 0 and signal_config.current_window_days - 1
    group by eval_dates.eval_date

),

final as (

    select
        aggregated.eval_date,
        cast(aggregated.draft_latency_p95_ms as {{ type_double() }}) as draft_latency_p95_ms,
        cast(aggregated.ok_calls as {{ dbt.type_bigint() }}) as ok_calls,
        cast(aggregated.calls as {{ dbt.type_bigint() }}) as calls,
        signal_config.limit_value as latency_slo_ms,
        signal_config.min_sample as min_ok_calls,
        {{ signal_status(
            'aggregated.ok_calls >= signal_config.min_sample',
            'aggregated.draft_latency_p95_ms',
            'signal_config.limit_value',
            'signal_config.comparison',
        ) }} as status
    from aggregated
    cross join signal_config

)

select * from final
