{#-
    Every night from the first pilot's baseline start to the later of the as-of day and the latest
    evaluated night (marts.md v1.1): its latest run, whether that evaluation is settled, what
    fired, and the nights never evaluated (is_evaluated false) until someone runs them.
-#}
with

runs as (

    select * from {{ ref('rollback_runs') }}

),

pilots as (

    select * from {{ ref('pilots') }}

),

history as (

    select * from {{ ref('rollback_history') }}

),

bounds as (

    select
        (select min(baseline_start_date) from pilots) as first_date,
        case
            when (select max(as_of_date) from runs) > {{ as_of_date_literal() }} then (select max(as_of_date) from runs)
            else {{ as_of_date_literal() }}
        end as last_date

),

nights as (

    select cast({{ dbt.dateadd('day', 'series.n', 'bounds.first_date') }} as date) as night
    from ({{ integer_series(4) }}) as series
    cross join bounds
    where series.n <= {{ dbt.datediff('bounds.first_date', 'bounds.last_date', 'day') }}

),

run_counts as (

    select
        as_of_date as night,
        count(distinct run_id) as runs_evaluating,
        {{ count_where('fails_build') }} as build_failures
    from runs
    group by as_of_date

),

latest as (

    select
        as_of_date as night,
        max(run_id) as latest_run_id,
        max(evaluated_at) as latest_evaluated_at,
        min(case when is_settled then 1 else 0 end) = 1 as is_settled,
        {{ count_where("status = 'fired'") }} as firings,
        {{ count_where("status = 'incomplete_data'") }} as incomplete_rules
    from history
    group by as_of_date

),

final as (

    select
        nights.night,
        latest.night is not null as is_evaluated,
        coalesce(latest.is_settled, false) as is_settled,
        case
            when latest.night is null then 'never_evaluated'
            when latest.is_settled then 'settled'
            else 'provisional'
        end as evaluation_status,
        latest.latest_run_id,
        latest.latest_evaluated_at,
        cast(run_counts.runs_evaluating as {{ dbt.type_bigint() }}) as runs_evaluating,
        cast(latest.firings as {{ dbt.type_bigint() }}) as firings,
        cast(latest.incomplete_rules as {{ dbt.type_bigint() }}) as incomplete_rules,
        cast(run_counts.build_failures as {{ dbt.type_bigint() }}) as build_failures
    from nights
    left join latest
        on nights.night = latest.night
    left join run_counts
        on nights.night = run_counts.night

)

select * from final
