{#-
    Escalation breach per eval_date x ticket intent x region: escalated over copilot-enabled
    agent-solved tickets solved in the current window, against escalation_max (kpi_targets
    escalation_rate) x limit_factor (rollback_rules escalation_breach), for every day with
    copilot-enabled agent-solved tickets; a scope appears when it had such tickets in the window.
-#}
with

tickets_daily as (

    select * from {{ ref('int_signals__escalation_daily') }}

),

rule_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'escalation_breach'

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('tickets_daily', 'solved_date') }}

),

aggregated as (

    select
        eval_dates.eval_date,
        tickets_daily.intent,
        tickets_daily.region,
        sum(tickets_daily.agent_tickets_solved) as agent_tickets_solved,
        sum(tickets_daily.escalated_tickets) as escalated_tickets
    from eval_dates
    cross join rule_config
    inner join tickets_daily
        on
            {{ dbt.datediff('tickets_daily.solved_date', 'eval_dates.eval_date', 'day') }}
            between 0 and rule_config.current_window_days - 1
    group by eval_dates.eval_date, tickets_daily.intent, tickets_daily.region

),

final as (

    select
        aggregated.eval_date,
        aggregated.intent,
        aggregated.region,
        {{ safe_divide('aggregated.escalated_tickets', 'aggregated.agent_tickets_solved') }} as escalation_rate,
        cast(aggregated.agent_tickets_solved as {{ dbt.type_bigint() }}) as agent_tickets_solved,
        cast(aggregated.escalated_tickets as {{ dbt.type_bigint() }}) as escalated_tickets,
        rule_config.limit_value as escalation_limit,
        rule_config.min_sample as min_tickets,
        {{ signal_status(
            'aggregated.agent_tickets_solved >= rule_config.min_sample',
            safe_divide('aggregated.escalated_tickets', 'aggregated.agent_tickets_solved'),
            'rule_config.limit_value',
            'rule_config.comparison',
        ) }} as status
    from aggregated
    cross join rule_config

)

select * from final
