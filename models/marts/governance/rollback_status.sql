{#-
    What fires in this run (the latest run of rollback_runs): one row per rule x scope that fired,
    on the as-of night or on an earlier night re-evaluated once settled (night); empty when nothing
    fires. severity is what this build gives the firing: error only when it fails this build under
    the nightly's duty (fails_build), warn otherwise (provisional, or already failed a build);
    rule_severity is the rule's configured one. The rollback gate tests (tests/rollback_gate/)
    read this relation, which nothing depends on, so a failing gate skips no model.
-#}
with

runs as (

    select * from {{ ref('rollback_runs') }}

),

latest_run as (

    select max(run_sequence) as run_sequence
    from runs

),

final as (

    select
        runs.run_as_of_date as as_of_date,
        runs.rule,
        runs.as_of_date as night,
        runs.is_provisional,
        runs.scope_type,
        runs.scope,
        runs.observed_value,
        runs.limit_value,
        runs.action,
        runs.owner_role,
        runs.comparison,
        runs.sample_size,
        runs.window_start_date,
        runs.severity as rule_severity,
        runs.fails_build,
        runs.reason,
        runs.message,
        runs.run_id,
        case when runs.fails_build then 'error' else 'warn' end as severity
    from runs
    inner join latest_run
        on runs.run_sequence = latest_run.run_sequence
    where runs.status = 'fired'

)

select * from final
