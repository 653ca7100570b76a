{#-
    The scorecard's evaluation, shared by pilot_scorecard (grain 'queue': pilot x queue x region x
    metric) and pilot_scorecard_by_intent (grain 'intent': pilot x queue x region x intent x metric,
    over the intents of seed intents routed to the queue): the CTEs up to `evaluated`, one row per
    grid cell with its baseline, pilot and control values, target and status. A configured baseline
    (seed kpi_baselines) matches the grain: intent `*` for a queue, the intent's own row for an
    intent (a queue's baseline is not an intent's); region-specific before `*`. Else the baseline
    is computed from the pilot's fixed baseline window at the same grain. Status: insufficient_data
    when the pilot sample (or a computed baseline's sample, for a delta target) is below the
    metric's min_sample (seed kpi_min_samples); else meets / misses against seed kpi_targets on the
    point value (macro target_verdict); null when the metric has no target. The metrics are the
    registry's on_scorecard ones. The concurrent control arm is compared with a
    95% interval of the difference (Newcombe's hybrid score interval for rates, Welch for AHT).
-#}
{% macro pilot_scorecard_ctes(grain) %}
{%- if grain not in ['queue', 'intent'] -%}
    {{ exceptions.raise_compiler_error(
        "pilot_scorecard_ctes: grain must be 'queue' or 'intent', not " ~ grain
    ) }}
{%- endif %}
windows as (

    select * from {{ ref('int_pilots__windows') }}

),

samples as (

    select * from {{ ref('int_pilots__metric_samples') }}

),

{#- one row per cell with each period's sample side by side (baseline_*, pilot_*, control_*) -#}
{%- set period_columns = [] %}
{%- for period in ['baseline', 'pilot', 'control'] %}
    {%- for column in ['metric_value', 'numerator', 'denominator', 'value_lower', 'value_upper', 'value_stddev'] %}
        {%- do period_columns.append(
            "max(case when period = '" ~ period ~ "' then " ~ column ~ " end) as " ~ period ~ "_" ~ column
        ) %}
    {%- endfor %}
{%- endfor %}

samples_by_period as (

    select
        pilot_id,
        queue,
        region,
        intent,
        metric,
        {{ period_columns | join(',\n        ') }}
    from samples
    group by pilot_id, queue, region, intent, metric

),

configured_baselines as (

    select * from {{ ref('kpi_baselines') }}

),

targets as (

    select * from {{ ref('kpi_targets') }}

),

min_samples as (

    select * from {{ ref('kpi_min_samples') }}

),
{%- if grain == 'intent' %}

    intents as (

        select * from {{ ref('intents') }}

    ),
{%- endif %}

{%- set metrics = registry_metric_names('on_scorecard') %}
{%- set mean_metrics = [] %}
{%- set metric_selects = [] %}
{%- for metric in metrics %}
    {%- do metric_selects.append("select '" ~ metric ~ "' as metric") %}
    {%- if registry_metric(metric).interval == 'mean' %}
        {%- do mean_metrics.append(metric) %}
    {%- endif %}
{%- endfor %}

metric_list as (

    {{ metric_selects | join('\n    union all\n    ') }}

),

grid as (

    select
        windows.*,
        {{ 'intents.intent' if grain == 'intent' else "'*' as intent" }},
        metric_list.metric
    from windows
    {% if grain == 'intent' -%}
        inner join intents
            on windows.queue = intents.queue
    {% endif -%}
    cross join metric_list

),

joined as (

    select
        grid.pilot_id,
        grid.queue,
        grid.region,
        grid.intent,
        grid.metric,
        grid.baseline_start_date,
        grid.baseline_end_date,
        grid.pilot_start_date,
        grid.pilot_evaluated_end_date,
        samples_by_period.baseline_metric_value as computed_baseline_value,
        samples_by_period.baseline_numerator as computed_baseline_numerator,
        samples_by_period.baseline_denominator as computed_baseline_denominator,
        samples_by_period.pilot_metric_value as pilot_value,
        samples_by_period.pilot_numerator as numerator,
        samples_by_period.pilot_value_lower,
        samples_by_period.pilot_value_upper,
        samples_by_period.pilot_value_stddev,
        samples_by_period.control_metric_value as control_value,
        samples_by_period.control_numerator,
        samples_by_period.control_value_lower,
        samples_by_period.control_value_upper,
        samples_by_period.control_value_stddev,
        targets.target_kind,
        targets.comparison as target_comparison,
        targets.target_value as configured_target_value,
        coalesce(region_baseline.baseline_value, any_region_baseline.baseline_value) as configured_baseline_value,
        coalesce(samples_by_period.pilot_denominator, 0) as denominator,
        coalesce(samples_by_period.control_denominator, 0) as control_denominator,
        coalesce(min_samples.min_sample, 1) as min_sample
    from grid
    left join configured_baselines as region_baseline
        on
            grid.queue = region_baseline.queue
            and grid.intent = region_baseline.intent
            and grid.region = region_baseline.region
            and grid.metric = region_baseline.metric
    left join configured_baselines as any_region_baseline
        on
            grid.queue = any_region_baseline.queue
            and grid.intent = any_region_baseline.intent
            and any_region_baseline.region = '*'
            and grid.metric = any_region_baseline.metric
    left join samples_by_period
        on
            grid.pilot_id = samples_by_period.pilot_id
            and grid.queue = samples_by_period.queue
            and grid.region = samples_by_period.region
            and grid.intent = samples_by_period.intent
            and grid.metric = samples_by_period.metric
    left join targets
        on grid.metric = targets.metric
    left join min_samples
        on grid.metric = min_samples.metric

),

with_baseline as (

    select
        *,
        case when configured_baseline_value is not null then 'configured' else 'computed' end as baseline_source,
        coalesce(configured_baseline_value, computed_baseline_value) as baseline_value,
        case when configured_baseline_value is null then computed_baseline_numerator end as baseline_numerator,
        case when configured_baseline_value is null then computed_baseline_denominator end as baseline_denominator
    from joined

),

compared as (

    select
        *,
        pilot_value - baseline_value as delta,
        {{ safe_divide('pilot_value - baseline_value', 'baseline_value') }} as delta_pct,
        case
            when target_comparison = 'delta_pct_at_most' then baseline_value * (1 + configured_target_value)
            else configured_target_value
        end as target_value,
        pilot_value - control_value as diff_vs_control,
        case
            when metric in ('{{ mean_metrics | join("', '") }}')
                then {{ mean_diff_interval_bound(
                    'pilot_value', 'pilot_value_stddev', 'denominator',
                    'control_value', 'control_value_stddev', 'control_denominator', -1) }}
            else {{ newcombe_diff_lower(
                'pilot_value', 'pilot_value_lower', 'pilot_value_upper',
                'control_value', 'control_value_lower', 'control_value_upper') }}
        end as diff_vs_control_lower,
        case
            when metric in ('{{ mean_metrics | join("', '") }}')
                then {{ mean_diff_interval_bound(
                    'pilot_value', 'pilot_value_stddev', 'denominator',
                    'control_value', 'control_value_stddev', 'control_denominator', 1) }}
            else {{ newcombe_diff_upper(
                'pilot_value', 'pilot_value_lower', 'pilot_value_upper',
                'control_value', 'control_value_lower', 'control_value_upper') }}
        end as diff_vs_control_upper,
        pilot_value is null
        or denominator < min_sample
        or (
            target_comparison = 'delta_pct_at_most'
            and (
                baseline_value is null
                or baseline_value = 0
                or (baseline_source = 'computed' and coalesce(baseline_denominator, 0) < min_sample)
            )
        ) as is_insufficient
    from with_baseline

),

evaluated as (

    select
        *,
        {#- a delta target compares delta_pct with the configured share; the others the pilot value -#}
        case
            when target_comparison is null and not coalesce(is_insufficient, false) then null
            else {{ target_verdict(
                "case when target_comparison = 'delta_pct_at_most' then delta_pct else pilot_value end",
                "case when target_comparison = 'delta_pct_at_most' then 'at_most' else target_comparison end",
                "case when target_comparison = 'delta_pct_at_most' then configured_target_value else target_value end",
                'not coalesce(is_insufficient, false)',
            ) }}
        end as status
    from compared

)
{%- endmacro %}
