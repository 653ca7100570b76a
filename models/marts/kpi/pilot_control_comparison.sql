{#-
    The pilot arm against the concurrent control arm (marts.md v1.1), per pilot x queue x region x
    metric, with cluster-robust delta-method standard errors (agents as clusters), the fixed-horizon
    interval, the asymptotic confidence sequence (valid at every nightly look), the minimum
    detectable effects and a status read from the sequential interval. Formulas in the docs block
    `pilot_control_comparison`.
-#}
{%- set z = project_var('wilson_z') -%}
{%- set alpha = project_var('sequential_alpha') -%}
{%- set tuning_n = project_var('sequential_tuning_n') -%}
{%- set lower_is_better = lower_is_better_metrics_sql() -%}

with

clusters as (

    select * from {{ ref('int_pilots__arm_clusters') }}

),

min_samples as (

    select * from {{ ref('kpi_min_samples') }}

),

arm_totals as (

    select
        pilot_id,
        queue,
        region,
        metric,
        sum(pilot_y_sum) as pilot_y_total,
        sum(pilot_x_sum) as pilot_denominator,
        sum(control_y_sum) as control_y_total,
        sum(control_x_sum) as control_denominator,
        {{ count_where('pilot_x_sum > 0') }} as pilot_clusters,
        {{ count_where('control_x_sum > 0') }} as control_clusters,
        count(*) as cluster_count
    from clusters
    group by pilot_id, queue, region, metric

),

ratios as (

    select
        *,
        {{ safe_divide('pilot_y_total', 'pilot_denominator') }} as pilot_value,
        {{ safe_divide('control_y_total', 'control_denominator') }} as control_value
    from arm_totals

),

cluster_terms as (

    select
        ratios.pilot_id,
        ratios.queue,
        ratios.region,
        ratios.metric,
        (clusters.pilot_y_sum - ratios.pilot_value * clusters.pilot_x_sum) / ratios.pilot_denominator
        - (clusters.control_y_sum - ratios.control_value * clusters.control_x_sum) / ratios.control_denominator
            as cluster_term
    from ratios
    inner join clusters
        on
            ratios.pilot_id = clusters.pilot_id
            and ratios.queue = clusters.queue
            and ratios.region = clusters.region
            and ratios.metric = clusters.metric
    where ratios.pilot_denominator > 0 and ratios.control_denominator > 0

),

variances as (

    select
        pilot_id,
        queue,
        region,
        metric,
        sum(cluster_term * cluster_term) as cluster_term_squares
    from cluster_terms
    group by pilot_id, queue, region, metric

),

standard_errors as (

    select
        ratios.*,
        ratios.pilot_value - ratios.control_value as difference,
        case
            when ratios.cluster_count > 1
                then sqrt(
                    cast(ratios.cluster_count as {{ type_double() }}) / (ratios.cluster_count - 1)
                    * variances.cluster_term_squares
                )
        end as difference_se,
        cast(ratios.pilot_denominator + ratios.control_denominator as {{ type_double() }}) as total_n,
        (-2 * ln({{ alpha }}) + ln(-2 * ln({{ alpha }}) + 1)) / {{ tuning_n }} as rho_squared
    from ratios
    left join variances
        on
            ratios.pilot_id = variances.pilot_id
            and ratios.queue = variances.queue
            and ratios.region = variances.region
            and ratios.metric = variances.metric

),

intervals as (

    select
        *,
        sqrt(total_n) * difference_se * sqrt(
            2 * (total_n * rho_squared + 1) / (total_n * total_n * rho_squared)
            * ln(sqrt(total_n * rho_squared + 1) / {{ alpha }})
        ) as sequential_half_width
    from standard_errors

),

classified as (

    select
        intervals.*,
        intervals.difference - {{ z }} * intervals.difference_se as difference_ci_lower,
        intervals.difference + {{ z }} * intervals.difference_se as difference_ci_upper,
        intervals.difference - intervals.sequential_half_width as difference_cs_lower,
        intervals.difference + intervals.sequential_half_width as difference_cs_upper,
        (1.959964 + 0.841621) * intervals.difference_se as mde_80,
        intervals.sequential_half_width + 0.841621 * intervals.difference_se as mde_80_sequential,
        coalesce(min_samples.min_sample, 1) as min_sample,
        intervals.metric in ({{ lower_is_better }}) as is_lower_better
    from intervals
    left join min_samples
        on intervals.metric = min_samples.metric

),

final as (

    select
        pilot_id,
        queue,
        region,
        metric,
        pilot_value,
        control_value,
        difference,
        cast(pilot_denominator as {{ dbt.type_bigint() }}) as pilot_denominator,
        cast(control_denominator as {{ dbt.type_bigint() }}) as control_denominator,
        cast(pilot_clusters as {{ dbt.type_bigint() }}) as pilot_clusters,
        cast(control_clusters as {{ dbt.type_bigint() }}) as control_clusters,
        difference_se,
        difference_ci_lower,
        difference_ci_upper,
        difference_cs_lower,
        difference_cs_upper,
        mde_80,
        mde_80_sequential,
        case
            when
                pilot_denominator < min_sample or control_denominator < min_sample
                or pilot_clusters < 2 or control_clusters < 2 or difference_se is null
                then 'insufficient_data'
            when difference_cs_upper < 0 and is_lower_better then 'pilot_better'
            when difference_cs_lower > 0 and not is_lower_better then 'pilot_better'
            when difference_cs_upper < 0 or difference_cs_lower > 0 then 'control_better'
            else 'no_difference'
        end as status
    from classified

)

select * from final
