{{
    config(
        materialized='incremental',
        unique_key=['as_of_date', 'rule', 'scope'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        full_refresh=false,
    )
}}
{#-
    Every night's rollback status, kept across runs (incremental): one row per as_of_date x rule
    x scope that fired, plus one row per rule that did not fire that night (scope '*',
    has_fired false) so the history shows the gate ran. first_fired_date / last_fired_date: the
    first and last as-of day the rule fired for the scope, over the history so far. Re-running an
    as-of day replaces that day's rows. Built from the firings, not from rollback_status, so a
    failing gate test never skips it.
-#}
with

rule_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal_kind = 'rollback_rule'

),

tonight as (

    select * from {{ ref('int_governance__rollback_firings') }}
    where eval_date = {{ as_of_date_literal() }}

),

not_fired as (

    select rule_config.signal as rule
    from rule_config
    left join tonight
        on rule_config.signal = tonight.rule
    where tonight.rule is null

),

night_rows as (

    select
        eval_date as as_of_date,
        rule,
        scope_type,
        scope,
        true as has_fired,
        observed_value,
        limit_value,
        sample_size,
        severity,
        action
    from tonight

    union all

    select
        {{ as_of_date_literal() }} as as_of_date,
        not_fired.rule,
        rule_config.scope_type,
        '*' as scope,
        false as has_fired,
        cast(null as {{ type_double() }}) as observed_value,
        rule_config.limit_value,
        cast(null as {{ dbt.type_bigint() }}) as sample_size,
        rule_config.severity,
        rule_config.action
    from not_fired
    inner join rule_config
        on not_fired.rule = rule_config.signal

),

{% if is_incremental() %}
earlier_firings as (

    select
        rule,
        scope,
        min(as_of_date) as first_fired_date,
        max(as_of_date) as last_fired_date
    from {{ this }}
    where
        has_fired
        and as_of_date <> {{ as_of_date_literal() }}
    group by rule, scope

),
{% else %}
earlier_firings as (

    select
        cast(null as {{ dbt.type_string() }}) as rule,
        cast(null as {{ dbt.type_string() }}) as scope,
        cast(null as date) as first_fired_date,
        cast(null as date) as last_fired_date
    from rule_config
    where false

),
{% endif %}

final as (

    select
        night_rows.as_of_date,
        night_rows.rule,
        night_rows.scope_type,
        night_rows.scope,
        night_rows.has_fired,
        night_rows.observed_value,
        night_rows.limit_value,
        cast(night_rows.sample_size as {{ dbt.type_bigint() }}) as sample_size,
        night_rows.severity,
        night_rows.action,
        case
            when not night_rows.has_fired then null
            when earlier_firings.first_fired_date < night_rows.as_of_date then earlier_firings.first_fired_date
            else night_rows.as_of_date
        end as first_fired_date,
        case
            when not night_rows.has_fired then null
            when earlier_firings.last_fired_date > night_rows.as_of_date then earlier_firings.last_fired_date
            else night_rows.as_of_date
        end as last_fired_date,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as recorded_at,
        '{{ invocation_id }}' as invocation_id
    from night_rows
    left join earlier_firings
        on
            night_rows.rule = earlier_firings.rule
            and night_rows.scope = earlier_firings.scope

)

select * from final
