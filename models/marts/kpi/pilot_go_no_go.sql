{#-
    The go/no-go decision per pilot, from its criteria (pilot_go_no_go_criteria), following the
    playbook: STOP when the pilot's draft acceptance (with a sufficient sample) is below
    var go_no_go_stop_acceptance_below (0.40); GO when every criterion meets (acceptance, KPI
    targets, SLOs, no residency violation in the pilot window); ITERATE otherwise, including
    when a criterion has insufficient data.
-#}
{%- set stop_below = project_var_number('go_no_go_stop_acceptance_below', 0, 1) -%}

with

criteria as (

    select * from {{ ref('pilot_go_no_go_criteria') }}

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

final as (

    select
        pilot_id,
        case
            when acceptance_verdict != 'insufficient_data' and draft_acceptance_rate < {{ stop_below }} then 'STOP'
            when criteria_met = criteria_total then 'GO'
            else 'ITERATE'
        end as decision,
        draft_acceptance_rate,
        cast({{ stop_below }} as {{ type_double() }}) as stop_acceptance_below,
        cast(residency_violations as {{ dbt.type_bigint() }}) as residency_violations,
        criteria_total,
        criteria_met,
        criteria_missed,
        criteria_insufficient,
        pilot_start_date,
        pilot_end_date,
        cast('{{ as_of_date() }}' as date) as as_of_date
    from summarised

)

select * from final
