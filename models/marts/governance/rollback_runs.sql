{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        full_refresh=false,
    )
}}
{#-
    Every evaluation of every run, append-only, never replaced: what the operator was told, and
    when (marts.md v1.1). Kept across --full-refresh (full_refresh=false): the raw tables cannot
    rebuild it. Each run (run_sequence = previous + 1) evaluates:
    - the as-of night (var as_of_date), every rollback rule;
    - every earlier night whose latest evaluation was not settled (provisional, or incomplete)
      and whose windows have settled since (the nightly's duty, metrics.md v1.1).
    One row per night x rule x fired scope; a rule that fired for no scope has one row with scope
    '*' and status not_fired, insufficient_data (no scope had the minimum sample) or
    incomplete_data (the night's windows are not loaded). fails_build: an error firing (rule
    severity error, not provisional, or a residency violation of a known ticket) that no earlier
    run has failed a build for: each (night, rule, scope) error firing fails exactly one build.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal_kind = 'rollback_rule'

),

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal_kind = 'rollback_rule'

),

{% if is_incremental() %}
previous_runs as (

    select
        run_sequence,
        as_of_date,
        rule,
        scope,
        is_settled,
        fails_build
    from {{ this }}

),
{% else %}
previous_runs as (

    select
        cast(null as {{ dbt.type_int() }}) as run_sequence,
        cast(null as date) as as_of_date,
        cast(null as {{ dbt.type_string() }}) as rule,
        cast(null as {{ dbt.type_string() }}) as scope,
        cast(null as {{ dbt.type_boolean() }}) as is_settled,
        cast(null as {{ dbt.type_boolean() }}) as fails_build
    from signal_config
    where false

),
{% endif %}

this_run as (

    select coalesce(max(run_sequence), 0) + 1 as run_sequence
    from previous_runs

),

night_completeness as (

    -- a night is loaded / settled when every raw table's current window is
    select
        eval_date as night,
        min(case when is_window_loaded then 1 else 0 end) = 1 as is_night_loaded,
        min(case when is_window_settled then 1 else 0 end) = 1 as is_night_settled
    from evaluations
    where signal = 'data_completeness'
    group by eval_date

),

latest_previous as (

    select
        as_of_date as night,
        max(run_sequence) as run_sequence
    from previous_runs
    group by as_of_date

),

previous_nights as (

    select
        previous_runs.as_of_date as night,
        min(case when previous_runs.is_settled then 1 else 0 end) = 1 as was_settled
    from previous_runs
    inner join latest_previous
        on
            previous_runs.as_of_date = latest_previous.night
            and previous_runs.run_sequence = latest_previous.run_sequence
    group by previous_runs.as_of_date

),

nights as (

    select {{ as_of_date_literal() }} as night

    union

    select previous_nights.night
    from previous_nights
    inner join night_completeness
        on previous_nights.night = night_completeness.night
    where
        not previous_nights.was_settled
        and night_completeness.is_night_settled

),

nights_completeness as (

    select
        nights.night,
        coalesce(night_completeness.is_night_loaded, false) as is_night_loaded,
        coalesce(night_completeness.is_night_settled, false) as is_night_settled
    from nights
    left join night_completeness
        on nights.night = night_completeness.night

),

night_evaluations as (

    select evaluations.*
    from evaluations
    inner join nights
        on evaluations.eval_date = nights.night

),

fired as (

    select
        eval_date as night,
        signal as rule,
        scope_type,
        scope,
        'fired' as status,
        is_provisional,
        observed_value,
        limit_value,
        comparison,
        current_sample as sample_size,
        firing_severity as severity,
        action,
        owner_role,
        reason,
        window_start_date
    from night_evaluations
    where status = 'breach'

),

rule_summaries as (

    select
        eval_date as night,
        signal as rule,
        {{ count_where("status = 'breach'") }} as fired_scopes,
        {{ count_where("status = 'incomplete_data'") }} as incomplete_scopes,
        {{ count_where("status = 'ok'") }} as ok_scopes
    from night_evaluations
    group by eval_date, signal

),

quiet as (

    select
        nights_completeness.night,
        signal_config.signal as rule,
        signal_config.scope_type,
        '*' as scope,
        case
            when coalesce(rule_summaries.incomplete_scopes, 0) > 0 or not nights_completeness.is_night_loaded
                then 'incomplete_data'
            when coalesce(rule_summaries.ok_scopes, 0) > 0 or signal_config.min_sample is null then 'not_fired'
            else 'insufficient_data'
        end as status,
        not nights_completeness.is_night_settled as is_provisional,
        cast(null as {{ type_double() }}) as observed_value,
        signal_config.limit_value,
        signal_config.comparison,
        cast(null as {{ dbt.type_bigint() }}) as sample_size,
        signal_config.severity,
        signal_config.action,
        signal_config.owner_role,
        case
            when coalesce(rule_summaries.incomplete_scopes, 0) > 0 or not nights_completeness.is_night_loaded
                then 'the night''s windows are not loaded (see data_completeness)'
            when coalesce(rule_summaries.ok_scopes, 0) = 0 and signal_config.min_sample is not null
                then 'no scope had the minimum sample'
        end as reason,
        cast(
            {{ dbt.dateadd('day', '1 - signal_config.current_window_days', 'nights_completeness.night') }} as date
        ) as window_start_date
    from nights_completeness
    cross join signal_config
    left join rule_summaries
        on
            nights_completeness.night = rule_summaries.night
            and signal_config.signal = rule_summaries.rule
    where coalesce(rule_summaries.fired_scopes, 0) = 0

),

night_rows as (

    select * from fired
    union all
    select * from quiet

),

told_before as (

    select distinct
        as_of_date as night,
        rule,
        scope
    from previous_runs
    where fails_build

),

judged as (

    select
        night_rows.*,
        nights_completeness.is_night_settled as is_settled,
        coalesce(
            night_rows.status = 'fired' and night_rows.severity = 'error' and told_before.rule is null,
            false
        ) as fails_build
    from night_rows
    inner join nights_completeness
        on night_rows.night = nights_completeness.night
    left join told_before
        on
            night_rows.night = told_before.night
            and night_rows.rule = told_before.rule
            and night_rows.scope = told_before.scope

),

final as (

    select
        '{{ invocation_id }}' as run_id,
        cast(this_run.run_sequence as {{ dbt.type_int() }}) as run_sequence,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}) as evaluated_at,
        {{ as_of_date_literal() }} as run_as_of_date,
        judged.night as as_of_date,
        judged.night = {{ as_of_date_literal() }} as is_as_of_night,
        judged.rule,
        judged.scope_type,
        judged.scope,
        judged.status,
        judged.is_provisional,
        judged.is_settled,
        judged.observed_value,
        judged.limit_value,
        judged.comparison,
        cast(judged.sample_size as {{ dbt.type_bigint() }}) as sample_size,
        judged.severity,
        judged.fails_build,
        judged.action,
        judged.owner_role,
        judged.reason,
        judged.window_start_date,
        case
            when judged.status = 'fired'
                then {{ firing_message(
                    'judged.rule', 'judged.scope', 'judged.night', 'judged.is_provisional', 'judged.observed_value',
                    'judged.comparison', 'judged.limit_value', 'judged.reason', 'judged.action', 'judged.owner_role',
                ) }}
        end as message
    from judged
    cross join this_run

)

select * from final
