{#-
    The rollback rules and advisory signals with their limits resolved: a limit that is a KPI
    target is read from kpi_targets (the one place CSAT_min, escalation_max and the latency SLO
    are written) and multiplied by the rule's limit_factor. One row per rule or signal.
-#}
with

rollback_rules as (

    select * from {{ ref('rollback_rules') }}

),

advisory_signals as (

    select * from {{ ref('advisory_signals') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

unioned as (

    select
        rule as signal,
        'rollback_rule' as signal_kind,
        signal_relation,
        scope_type,
        comparison,
        limit_source_metric,
        limit_value as own_limit_value,
        limit_factor,
        current_window_days,
        reference_window_days,
        min_sample_measure,
        min_sample,
        cast(null as {{ dbt.type_int() }}) as bins,
        cast(null as {{ type_double() }}) as empty_bin_floor,
        severity,
        action,
        owner_role
    from rollback_rules

    union all

    select
        signal,
        'advisory' as signal_kind,
        signal_relation,
        scope_type,
        comparison,
        limit_source_metric,
        limit_value as own_limit_value,
        limit_factor,
        current_window_days,
        reference_window_days,
        min_sample_measure,
        min_sample,
        bins,
        empty_bin_floor,
        severity,
        action,
        owner_role
    from advisory_signals

),

resolved as (

    select
        unioned.signal,
        unioned.signal_kind,
        unioned.signal_relation,
        unioned.scope_type,
        unioned.comparison,
        unioned.limit_source_metric,
        kpi_targets.target_value as limit_source_value,
        unioned.limit_factor,
        unioned.current_window_days,
        unioned.reference_window_days,
        unioned.min_sample_measure,
        unioned.min_sample,
        unioned.bins,
        unioned.empty_bin_floor,
        unioned.severity,
        unioned.action,
        unioned.owner_role,
        round(
            cast(coalesce(kpi_targets.target_value, unioned.own_limit_value) as {{ type_double() }})
            * unioned.limit_factor,
            9
        ) as limit_value
    from unioned
    left join kpi_targets
        on unioned.limit_source_metric = kpi_targets.metric

)

select * from resolved
