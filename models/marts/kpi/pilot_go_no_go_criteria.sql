{#-
    The playbook's go/no-go criteria per pilot, each with its value, limit and verdict
    (meets | misses | insufficient_data, macro target_verdict):
    - acceptance, slo (coverage_rate, draft_latency_p95_ms) and residency: measured from the
      pilot's own data (int_pilots__criteria_measurements);
    - kpi_target: every scorecard row whose metric has a KPI target (per queue x region);
    - assignment (per queue x region): no sample ratio mismatch (pilot_assignment_checks); a scope
      with one has every comparison with control missed, verdict_reason saying why;
    - control_primary / control_guardrail (per queue x region, seed control_comparison_criteria):
      the primary metric's sequential interval against control entirely on its good side of 0, and
      each guardrail non-inferior to control by its margin, read from the sequential interval
      (pilot_control_comparison); its minimum sample is the scorecard's.
    The pilot window of each row is the scorecard's (its first pilot day, its last evaluated day).
-#}
{%- set lower_is_better = lower_is_better_metrics_sql() -%}

with

measurements as (

    select * from {{ ref('int_pilots__criteria_measurements') }}

),

scorecard as (

    select * from {{ ref('pilot_scorecard') }}

),

assignment_checks as (

    select * from {{ ref('pilot_assignment_checks') }}

),

comparisons as (

    select * from {{ ref('pilot_control_comparison') }}

),

comparison_criteria as (

    select * from {{ ref('control_comparison_criteria') }}

),

pilot_windows as (

    select
        pilot_id,
        min(pilot_start_date) as pilot_start_date,
        max(pilot_end_date) as pilot_end_date
    from scorecard
    group by pilot_id

),

kpi_targets as (

    select
        pilot_id,
        'kpi_target' as criterion,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        metric,
        pilot_value as criterion_value,
        target_comparison as comparison,
        target_value as limit_value,
        denominator as sample_size,
        min_sample,
        status as verdict
    from scorecard
    where target_kind = 'kpi_target'

),

assignment as (

    select
        pilot_id,
        'assignment' as criterion,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        'srm_p_value' as metric,
        srm_p_value as criterion_value,
        'at_least' as comparison,
        cast({{ project_var('srm_alpha') }} as {{ type_double() }}) as limit_value,
        cast(pilot_tickets + control_tickets as {{ dbt.type_bigint() }}) as sample_size,
        1 as min_sample,
        case
            when has_srm is null then 'insufficient_data'
            when has_srm then 'misses'
            else 'meets'
        end as verdict,
        case
            when has_srm
                then {{ dbt.concat([
                    "'sample ratio mismatch: the arms were not assigned as configured (expected pilot share '",
                    'cast(expected_pilot_share as ' ~ dbt.type_string() ~ ')',
                    "'), every comparison with control is invalid'",
                ]) }}
        end as verdict_reason
    from assignment_checks

),

control_checks as (

    select
        comparisons.pilot_id,
        case when comparison_criteria.role = 'primary' then 'control_primary' else 'control_guardrail' end
            as criterion,
        {{ dbt.concat(['comparisons.queue', "'/'", 'comparisons.region']) }} as scope,
        comparisons.metric,
        -- the bound of the sequential interval on the metric's bad side
        case
            when comparisons.metric in ({{ lower_is_better }})
                then comparisons.difference_cs_upper
            else comparisons.difference_cs_lower
        end as criterion_value,
        case
            when comparisons.metric in ({{ lower_is_better }})
                then 'at_most'
            else 'at_least'
        end as comparison,
        case
            when comparison_criteria.role = 'primary' then 0
            when comparisons.metric in ({{ lower_is_better }})
                then comparison_criteria.non_inferiority_margin
            else -comparison_criteria.non_inferiority_margin
        end as limit_value,
        case
            when comparisons.pilot_denominator < comparisons.control_denominator then comparisons.pilot_denominator
            else comparisons.control_denominator
        end as sample_size,
        coalesce(scorecard.min_sample, 1) as min_sample,
        comparisons.status,
        assignment_checks.has_srm
    from comparisons
    inner join comparison_criteria
        on comparisons.metric = comparison_criteria.metric
    left join scorecard
        on
            comparisons.pilot_id = scorecard.pilot_id
            and comparisons.queue = scorecard.queue
            and comparisons.region = scorecard.region
            and comparisons.metric = scorecard.metric
    left join assignment_checks
        on
            comparisons.pilot_id = assignment_checks.pilot_id
            and comparisons.queue = assignment_checks.queue
            and comparisons.region = assignment_checks.region

),

control_checked as (

    select
        pilot_id,
        criterion,
        scope,
        metric,
        criterion_value,
        comparison,
        limit_value,
        sample_size,
        min_sample,
        case
            when coalesce(has_srm, false) then 'misses'
            else {{ target_verdict(
                'criterion_value', 'comparison', 'limit_value', "status <> 'insufficient_data'", strict=true,
            ) }}
        end as verdict,
        case
            when coalesce(has_srm, false)
                then 'invalid comparison: sample ratio mismatch in this scope (pilot_assignment_checks)'
        end as verdict_reason
    from control_checks

),

unioned as (

    select
        *,
        cast(null as {{ dbt.type_string() }}) as verdict_reason
    from measurements
    union all
    select
        *,
        cast(null as {{ dbt.type_string() }}) as verdict_reason
    from kpi_targets
    union all
    select * from assignment
    union all
    select * from control_checked

),

final as (

    select
        unioned.pilot_id,
        unioned.criterion,
        unioned.scope,
        unioned.metric,
        unioned.criterion_value,
        unioned.comparison,
        unioned.limit_value,
        unioned.verdict,
        unioned.verdict_reason,
        unioned.sample_size,
        cast(unioned.min_sample as {{ dbt.type_int() }}) as min_sample,
        pilot_windows.pilot_start_date,
        pilot_windows.pilot_end_date
    from unioned
    inner join pilot_windows
        on unioned.pilot_id = pilot_windows.pilot_id

)

select * from final
