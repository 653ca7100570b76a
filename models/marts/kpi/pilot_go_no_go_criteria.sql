{#-
    The playbook's go/no-go criteria per pilot, each with its value, limit and verdict
    (meets | misses | insufficient_data):
    - acceptance: draft acceptance of the pilot arm over the whole pilot scope and window;
    - kpi_target: every scorecard row whose metric has a KPI target (per queue x region);
    - slo: coverage_rate (copilot-enabled agent-solved tickets, by solved day) and
      draft_latency_p95_ms (exact p95 over the window's ok calls, by logged_at day) per queue x region;
    - residency: the pilot's calls (pilot window, tickets in scope: int_pilots__scope_tickets) that anomaly_residency_mismatch
      reports, against the residency_violation rollback rule's limit (rollback_rules: 0 tolerated);
    - assignment (per queue x region): no sample ratio mismatch (pilot_assignment_checks); a scope
      with one has every comparison with control missed, verdict_reason saying why;
    - control_primary / control_guardrail (per queue x region, seed control_comparison_criteria):
      the primary metric's sequential interval against control entirely on its good side of 0, and
      each guardrail non-inferior to control by its margin, read from the sequential interval
      (pilot_control_comparison).
    A value below the metric's minimum sample (seed kpi_min_samples) is insufficient_data.
-#}
{%- set lower_is_better = lower_is_better_metrics_sql() -%}

with

windows as (

    select * from {{ ref('int_pilots__windows') }}

),

pilot_windows as (

    select
        pilot_id,
        min(pilot_start_date) as pilot_start_date,
        max(pilot_evaluated_end_date) as pilot_end_date
    from windows
    group by pilot_id

),

scorecard as (

    select * from {{ ref('pilot_scorecard') }}

),

scope_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}

),

tickets as (

    select * from {{ ref('fct_tickets') }}
    where is_solved and is_copilot_enabled

),

calls as (

    select * from {{ ref('fct_model_calls') }}

),

residency_violations as (

    select prompt_id from {{ ref('anomaly_residency_mismatch') }}
    where is_violation

),

residency_limit as (

    select limit_value from {{ ref('int_governance__signal_config') }}
    where signal = 'residency_violation'

),

targets as (

    select * from {{ ref('kpi_targets') }}

),

min_samples as (

    select * from {{ ref('kpi_min_samples') }}

),

pilot_tickets as (

    select
        tickets.*,
        scope_tickets.pilot_id
    from scope_tickets
    inner join tickets
        on scope_tickets.ticket_id = tickets.ticket_id
    where scope_tickets.is_pilot_solved

),

pilot_calls as (

    select
        calls.*,
        scope_tickets.pilot_id
    from scope_tickets
    inner join pilot_windows
        on scope_tickets.pilot_id = pilot_windows.pilot_id
    inner join calls
        on
            scope_tickets.ticket_id = calls.ticket_id
            and calls.call_date between pilot_windows.pilot_start_date and pilot_windows.pilot_end_date

),

acceptance as (

    select
        pilot_id,
        'acceptance' as criterion,
        'all' as scope,
        'draft_acceptance_rate' as metric,
        {{ safe_divide('sum(drafts_accepted)', 'sum(drafts_decided)') }} as criterion_value,
        cast(sum(drafts_decided) as {{ dbt.type_bigint() }}) as sample_size
    from pilot_tickets
    group by pilot_id

),

coverage as (

    select
        pilot_id,
        'slo' as criterion,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        'coverage_rate' as metric,
        {{ safe_divide(count_where('is_covered'), count_where('is_coverage_eligible')) }} as criterion_value,
        {{ count_where('is_coverage_eligible') }} as sample_size
    from pilot_tickets
    group by pilot_id, queue, region

),

latency as (

    select
        pilot_id,
        'slo' as criterion,
        {{ dbt.concat(['ticket_queue', "'/'", 'ticket_region']) }} as scope,
        'draft_latency_p95_ms' as metric,
        cast({{ percentile_cont('case when is_ok then latency_ms end', 0.95) }} as {{ type_double() }})
            as criterion_value,
        {{ count_where('is_ok') }} as sample_size
    from pilot_calls
    where is_ticket_copilot_enabled
    group by pilot_id, ticket_queue, ticket_region

),

measured as (

    select * from acceptance
    union all
    select * from coverage
    union all
    select * from latency

),

measured_checked as (

    select
        measured.pilot_id,
        measured.criterion,
        measured.scope,
        measured.metric,
        measured.criterion_value,
        targets.comparison,
        targets.target_value as limit_value,
        measured.sample_size,
        coalesce(min_samples.min_sample, 1) as min_sample,
        case
            when measured.criterion_value is null or measured.sample_size < coalesce(min_samples.min_sample, 1)
                then 'insufficient_data'
            when targets.comparison = 'at_least' and measured.criterion_value >= targets.target_value then 'meets'
            when targets.comparison = 'at_most' and measured.criterion_value <= targets.target_value then 'meets'
            else 'misses'
        end as verdict
    from measured
    left join targets
        on measured.metric = targets.metric
    left join min_samples
        on measured.metric = min_samples.metric

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

residency as (

    select
        pilot_windows.pilot_id,
        'residency' as criterion,
        'all' as scope,
        'residency_violations' as metric,
        cast(count(residency_violations.prompt_id) as {{ type_double() }}) as criterion_value,
        'at_most' as comparison,
        max(residency_limit.limit_value) as limit_value,
        cast(count(pilot_calls.prompt_id) as {{ dbt.type_bigint() }}) as sample_size,
        cast(0 as {{ dbt.type_int() }}) as min_sample
    from pilot_windows
    cross join residency_limit
    left join pilot_calls
        on pilot_windows.pilot_id = pilot_calls.pilot_id
    left join residency_violations
        on pilot_calls.prompt_id = residency_violations.prompt_id
    group by pilot_windows.pilot_id

),

residency_checked as (

    select
        *,
        case when criterion_value <= limit_value then 'meets' else 'misses' end as verdict
    from residency

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
        coalesce(min_samples.min_sample, 1) as min_sample,
        comparisons.status,
        assignment_checks.has_srm
    from comparisons
    inner join comparison_criteria
        on comparisons.metric = comparison_criteria.metric
    left join min_samples
        on comparisons.metric = min_samples.metric
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
            when status = 'insufficient_data' or criterion_value is null then 'insufficient_data'
            when comparison = 'at_most' and criterion_value < limit_value then 'meets'
            when comparison = 'at_least' and criterion_value > limit_value then 'meets'
            else 'misses'
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
    from measured_checked
    union all
    select
        *,
        cast(null as {{ dbt.type_string() }}) as verdict_reason
    from kpi_targets
    union all
    select
        *,
        cast(null as {{ dbt.type_string() }}) as verdict_reason
    from residency_checked
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
