{#-
    The rollback rules that fire on the as-of day (var as_of_date, validated; default yesterday
    UTC): one row per rule x scope, empty when nothing fires, with the observed value, the limit
    and the playbook action from rollback_rules. The rollback gate tests (tests/rollback_gate/)
    read this relation, which nothing else depends on, so a failing gate skips no mart.
-#}
with

firings as (

    select * from {{ ref('int_governance__rollback_firings') }}
    where eval_date = {{ as_of_date_literal() }}

),

final as (

    select
        eval_date as as_of_date,
        rule,
        scope_type,
        scope,
        observed_value,
        limit_value,
        action,
        comparison,
        cast(sample_size as {{ dbt.type_bigint() }}) as sample_size,
        window_start_date,
        severity
    from firings

)

select * from final
