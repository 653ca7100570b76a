{#-
    The advisory signals' evaluations: the rows of int_governance__signal_evaluations whose signal
    kind is advisory (seed advisory_signals), one row per eval_date x signal x scope. Read by the
    advisory views (one per signal) and by the as-of day's firings.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal_kind = 'advisory'

),

final as (

    select
        eval_date,
        signal,
        signal_kind,
        scope_type,
        scope,
        intent,
        region,
        queue,
        source_table,
        status,
        is_provisional,
        is_window_loaded,
        is_window_settled,
        observed_value,
        limit_value,
        comparison,
        population_count,
        current_sample,
        reference_sample,
        current_value_sum,
        reference_value_sum,
        current_mean,
        reference_mean,
        min_sample,
        has_min_sample,
        reason,
        severity,
        firing_severity,
        action,
        owner_role,
        window_start_date
    from evaluations

)

select * from final
