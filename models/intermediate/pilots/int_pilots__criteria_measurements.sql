{#-
    The go/no-go criteria measured from the pilot's own data, each with its value, limit, sample
    and verdict (macro target_verdict; a value below the metric's minimum sample, seed
    kpi_min_samples, is insufficient_data):
    - acceptance: draft acceptance of the pilot arm over the whole pilot scope and window
      (int_pilots__metric_samples, summed over its queues x regions);
    - slo: coverage_rate (pilot arm, per queue x region, int_pilots__metric_samples) and
      draft_latency_p95_ms (exact p95 over the window's ok calls of the pilot arm's tickets,
      int_pilots__calls) against seed kpi_targets;
    - residency: the pilot's calls (both arms) that the residency check reports as violations,
      against the residency_violation rollback rule's limit (0 tolerated); one row per pilot with
      any ticket in its windows, calls or not.
-#}
with

samples as (

    select * from {{ ref('int_pilots__metric_samples') }}

),

pilot_calls as (

    select * from {{ ref('int_pilots__calls') }}

),

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}

),

targets as (

    select * from {{ ref('kpi_targets') }}

),

min_samples as (

    select * from {{ ref('kpi_min_samples') }}

),

pilots as (

    select distinct pilot_id from samples

),

pilot_samples as (

    select * from samples
    where period = 'pilot' and intent = '*'

),

acceptance as (

    select
        pilot_id,
        'acceptance' as criterion,
        'all' as scope,
        metric,
        {{ safe_divide('sum(numerator)', 'sum(denominator)') }} as criterion_value,
        cast(sum(denominator) as {{ dbt.type_bigint() }}) as sample_size
    from pilot_samples
    where metric = 'draft_acceptance_rate'
    group by pilot_id, metric

),

coverage as (

    select
        pilot_id,
        'slo' as criterion,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        metric,
        metric_value as criterion_value,
        denominator as sample_size
    from pilot_samples
    where metric = 'coverage_rate'

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
        {{ target_verdict(
            'measured.criterion_value', 'targets.comparison', 'targets.target_value',
            'measured.sample_size >= coalesce(min_samples.min_sample, 1)',
        ) }} as verdict
    from measured
    left join targets
        on measured.metric = targets.metric
    left join min_samples
        on measured.metric = min_samples.metric

),

residency_limit as (

    select max(limit_value) as limit_value
    from signal_config
    where signal = 'residency_violation'

),

residency as (

    select
        pilots.pilot_id,
        'residency' as criterion,
        'all' as scope,
        'residency_violations' as metric,
        cast({{ count_where('pilot_calls.is_residency_violation') }} as {{ type_double() }}) as criterion_value,
        'at_most' as comparison,
        max(residency_limit.limit_value) as limit_value,
        cast(count(pilot_calls.prompt_id) as {{ dbt.type_bigint() }}) as sample_size,
        0 as min_sample
    from pilots
    cross join residency_limit
    left join pilot_calls
        on pilots.pilot_id = pilot_calls.pilot_id
    group by pilots.pilot_id

),

residency_checked as (

    select
        *,
        {{ target_verdict('criterion_value', 'comparison', 'limit_value') }} as verdict
    from residency

),

checked as (

    select * from measured_checked
    union all
    select * from residency_checked

),

final as (

    select
        pilot_id,
        criterion,
        scope,
        metric,
        criterion_value,
        comparison,
        limit_value,
        sample_size,
        cast(min_sample as {{ dbt.type_int() }}) as min_sample,
        verdict
    from checked

)

select * from final
