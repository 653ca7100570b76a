{#-
    The playbook's go/no-go criteria per pilot, each with its value, limit and verdict
    (meets | misses | insufficient_data):
    - acceptance: draft acceptance of the pilot arm over the whole pilot scope and window;
    - kpi_target: every scorecard row whose metric has a KPI target (per queue x region);
    - slo: coverage_rate (copilot-enabled agent-solved tickets, by solved day) and
      draft_latency_p95_ms (exact p95 over the window's ok calls, by logged_at day) per queue x region;
    - residency: the pilot's calls (pilot window, tickets in scope) that anomaly_residency_mismatch
      reports, against the residency_violation rollback rule's limit (rollback_rules: 0 tolerated).
    A value below the metric's minimum sample (seed kpi_min_samples) is insufficient_data.
-#}
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
        windows.pilot_id
    from windows
    inner join tickets
        on
            windows.queue = tickets.queue
            and windows.region = tickets.region
            and tickets.solved_date between windows.pilot_start_date and windows.pilot_evaluated_end_date

),

pilot_calls as (

    select
        calls.*,
        windows.pilot_id
    from windows
    inner join calls
        on
            windows.queue = calls.ticket_queue
            and windows.region = calls.ticket_region
            and calls.call_date between windows.pilot_start_date and windows.pilot_evaluated_end_date

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

unioned as (

    select * from measured_checked
    union all
    select * from kpi_targets
    union all
    select * from residency_checked

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
        unioned.sample_size,
        cast(unioned.min_sample as {{ dbt.type_int() }}) as min_sample,
        pilot_windows.pilot_start_date,
        pilot_windows.pilot_end_date
    from unioned
    inner join pilot_windows
        on unioned.pilot_id = pilot_windows.pilot_id

)

select * from final
