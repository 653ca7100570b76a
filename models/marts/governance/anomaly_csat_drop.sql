{#-
    CSAT drop per eval_date x queue x region: rolling CSAT = 100 x good / (good + bad) over
    tickets solved in the current window, against CSAT_min (kpi_targets csat_pct), for every day
    with solved tickets; a scope appears when it had solved tickets in the window.
-#}
with

tickets_daily as (

    select * from {{ ref('int_signals__csat_daily') }}

),

rule_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'csat_drop'

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('tickets_daily', 'solved_date') }}

),

aggregated as (

    select
        eval_dates.eval_date,
        tickets_daily.queue,
        tickets_daily.region,
        sum(tickets_daily.tickets_solved) as tickets_solved,
        sum(tickets_daily.csat_responses) as csat_responses,
        sum(tickets_daily.csat_good_responses) as csat_good_responses
    from eval_dates
    cross join rule_config
    inner join tickets_daily
        on
            {{ dbt.datediff('tickets_daily.solved_date', 'eval_dates.eval_date', 'day') }}
            between 0 and rule_config.current_window_days - 1
    group by eval_dates.eval_date, tickets_daily.queue, tickets_daily.region

),

final as (

    select
        aggregated.eval_date,
        aggregated.queue,
        aggregated.region,
        100 * {{ safe_divide('aggregated.csat_good_responses', 'aggregated.csat_responses') }} as rolling_3d_csat_pct,
        cast(aggregated.csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(aggregated.csat_good_responses as {{ dbt.type_bigint() }}) as csat_good_responses,
        cast(aggregated.tickets_solved as {{ dbt.type_bigint() }}) as tickets_solved,
        rule_config.limit_value as csat_min,
        rule_config.min_sample as min_responses,
        {{ signal_status(
            'aggregated.csat_responses >= rule_config.min_sample',
            '100 * ' ~ safe_divide('aggregated.csat_good_responses', 'aggregated.csat_responses'),
            'rule_config.limit_value',
            'rule_config.comparison',
        ) }} as status
    from aggregated
    cross join rule_config

)

select * from final
