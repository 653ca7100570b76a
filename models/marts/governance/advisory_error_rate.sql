{#-
    Error rate per eval day (advisory): calls with status error or timeout over all calls logged in
    the current window (1 day by default), against the limit in advisory_signals (error_rate),
    for every day with calls.
-#}
with

calls as (

    select
        cast(logged_at as date) as logged_date,
        call_status
    from {{ ref('stg_copilot__prompt_logs') }}

),

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'error_rate'

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('calls', 'logged_date') }}

),

aggregated as (

    select
        eval_dates.eval_date,
        count(*) as calls,
        sum(case when calls.call_status in ('error', 'timeout') then 1 else 0 end) as error_calls
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
        {{ safe_divide('aggregated.error_calls', 'aggregated.calls') }} as error_rate,
        cast(aggregated.error_calls as {{ dbt.type_bigint() }}) as error_calls,
        cast(aggregated.calls as {{ dbt.type_bigint() }}) as calls,
        signal_config.limit_value as error_rate_limit,
        signal_config.min_sample as min_calls,
        {{ signal_status(
            'aggregated.calls >= signal_config.min_sample',
            safe_divide('aggregated.error_calls', 'aggregated.calls'),
            'signal_config.limit_value',
            'signal_config.comparison',
        ) }} as status
    from aggregated
    cross join signal_config

)

select * from final
