{#-
    The latest evaluation of each night (marts.md v1.1): a later run of the same night, or its
    settled re-evaluation, replaces its earlier rows here. Derived from rollback_runs on every
    build, so it survives --full-refresh as rollback_runs does, and never holds a stale row.
-#}
with

runs as (

    select * from {{ ref('rollback_runs') }}

),

latest_evaluations as (

    select
        as_of_date,
        max(run_sequence) as run_sequence
    from runs
    group by as_of_date

),

final as (

    select
        runs.as_of_date,
        runs.rule,
        runs.scope_type,
        runs.scope,
        runs.status,
        runs.is_provisional,
        runs.observed_value,
        runs.limit_value,
        runs.severity,
        runs.action,
        runs.owner_role,
        runs.evaluated_at,
        runs.run_id,
        runs.run_sequence,
        runs.is_settled,
        runs.sample_size,
        runs.reason,
        runs.message
    from runs
    inner join latest_evaluations
        on
            runs.as_of_date = latest_evaluations.as_of_date
            and runs.run_sequence = latest_evaluations.run_sequence

)

select * from final
