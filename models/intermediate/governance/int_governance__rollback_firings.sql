{#-
    Every rollback rule x scope that fires on an evaluated day, over every day in the data
    (eval_date x rule x scope). rollback_status is its as-of day; rollback_history keeps each
    night's. A rule fires for a scope when its signal's status is breach; residency_violation
    fires for a ticket region (or "unknown") when more violating calls than its limit (0
    tolerated) were logged in the current window.
-#}
with

rule_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal_kind = 'rollback_rule'

),

violations as (

    select * from {{ ref('anomaly_residency_mismatch') }}

),

call_dates as (

    -- every day with calls, and the as-of day (evaluated even when it has no call of its own)
    select cast(logged_at as date) as eval_date
    from {{ ref('stg_copilot__prompt_logs') }}
    union
    select {{ as_of_date_literal() }} as eval_date

),

drift as (

    select * from {{ ref('anomaly_confidence_drift') }}
    where status = 'breach'

),

escalation as (

    select * from {{ ref('anomaly_escalation_breach') }}
    where status = 'breach'

),

csat as (

    select * from {{ ref('anomaly_csat_drop') }}
    where status = 'breach'

),

residency_windowed as (

    select
        call_dates.eval_date,
        coalesce(violations.ticket_region, 'unknown') as scope,
        count(*) as violating_calls
    from call_dates
    inner join rule_config
        on rule_config.signal = 'residency_violation'
    inner join violations
        on
            {{ dbt.datediff('violations.logged_date', 'call_dates.eval_date', 'day') }}
            between 0 and rule_config.current_window_days - 1
    group by call_dates.eval_date, coalesce(violations.ticket_region, 'unknown')

),

residency_fired as (

    select
        residency_windowed.eval_date,
        'residency_violation' as rule,
        residency_windowed.scope,
        cast(residency_windowed.violating_calls as {{ type_double() }}) as observed_value,
        residency_windowed.violating_calls as sample_size
    from residency_windowed
    inner join rule_config
        on rule_config.signal = 'residency_violation'
    where
        {{ signal_status(
            'true',
            'cast(residency_windowed.violating_calls as ' ~ type_double() ~ ')',
            'rule_config.limit_value',
            'rule_config.comparison',
        ) }} = 'breach'

),

drift_fired as (

    select
        eval_date,
        'confidence_drift' as rule,
        {{ dbt.concat(['intent', "'/'", 'region']) }} as scope,
        drift as observed_value,
        current_drafts as sample_size
    from drift

),

escalation_fired as (

    select
        eval_date,
        'escalation_breach' as rule,
        {{ dbt.concat(['intent', "'/'", 'region']) }} as scope,
        escalation_rate as observed_value,
        agent_tickets_solved as sample_size
    from escalation

),

csat_fired as (

    select
        eval_date,
        'csat_drop' as rule,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        rolling_3d_csat_pct as observed_value,
        csat_responses as sample_size
    from csat

),

unioned as (

    select * from residency_fired
    union all
    select * from drift_fired
    union all
    select * from escalation_fired
    union all
    select * from csat_fired

),

final as (

    select
        unioned.eval_date,
        unioned.rule,
        rule_config.scope_type,
        unioned.scope,
        unioned.observed_value,
        rule_config.limit_value,
        rule_config.comparison,
        cast(unioned.sample_size as {{ dbt.type_bigint() }}) as sample_size,
        cast(
            {{ dbt.dateadd('day', '1 - rule_config.current_window_days', 'unioned.eval_date') }} as date
        ) as window_start_date,
        rule_config.severity,
        rule_config.action
    from unioned
    inner join rule_config
        on unioned.rule = rule_config.signal

)

select * from final
