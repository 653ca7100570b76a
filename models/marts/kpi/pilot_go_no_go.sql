{#-
    The go/no-go decision per pilot, from its criteria (pilot_go_no_go_criteria), following the
    playbook: STOP when the pilot's draft acceptance (with a sufficient sample) is below
    var go_no_go_stop_acceptance_below (0.40); GO when every criterion meets (acceptance, KPI
    targets, SLOs, no residency violation in the pilot window); ITERATE otherwise, including
    when a criterion has insufficient data. Evaluated through the latest day settled for every raw
    table (evaluated_through_date, metrics.md v1.1); never GO when the as-of day's window is not
    loaded: INCOMPLETE then (unless the settled data already says STOP), with decision_reason.
-#}
{%- set stop_below = project_var('go_no_go_stop_acceptance_below') -%}

with

criteria as (

    select * from {{ ref('pilot_go_no_go_criteria') }}

),

windows as (

    select
        pilot_id,
        min(pilot_evaluated_end_date) as evaluated_through_date,
        min(case when is_as_of_window_loaded then 1 else 0 end) = 1 as is_as_of_window_loaded
    from {{ ref('int_pilots__windows') }}
    group by pilot_id

),

summarised as (

    select
        pilot_id,
        min(pilot_start_date) as pilot_start_date,
        max(pilot_end_date) as pilot_end_date,
        max(case when criterion = 'acceptance' then criterion_value end) as draft_acceptance_rate,
        max(case when criterion = 'acceptance' then verdict end) as acceptance_verdict,
        max(case when criterion = 'residency' then criterion_value end) as residency_violations,
        count(*) as criteria_total,
        {{ count_where("verdict = 'meets'") }} as criteria_met,
        {{ count_where("verdict = 'misses'") }} as criteria_missed,
        {{ count_where("verdict = 'insufficient_data'") }} as criteria_insufficient
    from criteria
    group by pilot_id

),

playbook as (

    select * from {{ ref('playbook') }}

),

final as (

    select
        summarised.pilot_id,
        case
            when
                summarised.acceptance_verdict != 'insufficient_data'
                and summarised.draft_acceptance_rate < {{ stop_below }}
                then 'STOP'
            when not windows.is_as_of_window_loaded then 'INCOMPLETE'
            when summarised.criteria_met = summarised.criteria_total then 'GO'
            else 'ITERATE'
        end as decision,
        case
            when
                summarised.acceptance_verdict != 'insufficient_data'
                and summarised.draft_acceptance_rate < {{ stop_below }}
                then 'draft acceptance below the STOP limit'
            when not windows.is_as_of_window_loaded
                then
                    'the as-of day''s window is not loaded for every raw table '
                    || '(see rollback_status, data_completeness)'
            when summarised.criteria_met = summarised.criteria_total then 'every criterion meets'
            when summarised.criteria_insufficient > 0 then 'a criterion has insufficient data'
            else 'a criterion misses'
        end as decision_reason,
        windows.evaluated_through_date,
        windows.is_as_of_window_loaded,
        summarised.draft_acceptance_rate,
        cast({{ stop_below }} as {{ type_double() }}) as stop_acceptance_below,
        cast(summarised.residency_violations as {{ dbt.type_bigint() }}) as residency_violations,
        summarised.criteria_total,
        summarised.criteria_met,
        summarised.criteria_missed,
        summarised.criteria_insufficient,
        summarised.pilot_start_date,
        summarised.pilot_end_date,
        cast('{{ as_of_date() }}' as date) as as_of_date,
        playbook.playbook_name,
        playbook.playbook_version
    from summarised
    inner join windows
        on summarised.pilot_id = windows.pilot_id
    cross join playbook

)

select * from final
