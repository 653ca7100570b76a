{#-
    Every metric of the metric registry per pilot x queue x region x intent x period (intent '*':
    the whole queue x region; else each classified intent of it), with numerator and denominator,
    over the pilot's scope (int_pilots__scope_tickets: its queues, regions and channels):
    period baseline = all tickets solved in the baseline window; pilot = copilot-enabled tickets
    solved in the pilot window; control = the other tickets solved in the pilot window. Draft
    acceptance counts the drafts of those tickets. The scorecards read their on_scorecard metrics,
    the go/no-go the pilot's acceptance and coverage. For a mean (aht_seconds) value_stddev is the
    sample stddev of the numerator's column (the handle time of the tickets with one).
-#}
{%- set unpivot = [] -%}
{%- for metric in registry_metric_names() -%}
{%- set spec = registry_metric(metric) -%}
{%- set stddev = metric ~ '_stddev' if spec.interval == 'mean' else none -%}
{%- do unpivot.append({
            'metric': metric, 'numerator': spec.numerator, 'denominator': spec.denominator,
            'value': metric_value_sql(metric),
            'stddev': stddev or 'cast(null as ' ~ type_double() ~ ')',
            'lower': metric_bound_sql(metric, -1, stddev=stddev),
            'upper': metric_bound_sql(metric, 1, stddev=stddev),
        }) -%}
{%- endfor %}

with

scope_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}
    where is_baseline_solved or is_pilot_solved

),

ticket_periods as (

    select
        *,
        case
            when is_baseline_solved then 'baseline'
            when is_copilot_enabled then 'pilot'
            else 'control'
        end as period
    from scope_tickets

),

aggregated as (

    {#- grain '*': the whole queue x region (every ticket, unclassified ones included); grain
        intent: each classified intent of it (pilot_scorecard_by_intent) #}
    {% for grain in ['*', 'intent'] %}
    select
        pilot_id,
        queue,
        region,
        {% if grain == 'intent' %}intent,{% else %}'*' as intent,{% endif %}
        period,
        {%- for metric in registry_metric_names() %}
        {%- set spec = registry_metric(metric) %}
        {%- if spec.interval == 'mean' %}
        stddev_samp({{ metric_registry().measures[spec.numerator].column }}) as {{ metric }}_stddev,
        {%- endif %}
        {%- endfor %}
        {{ metric_measures_sql() }}
    from ticket_periods
    {% if grain == 'intent' %}
    where intent is not null
    group by pilot_id, queue, region, intent, period
    {% else %}
    group by pilot_id, queue, region, period
    {% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unpivoted as (

    {% for m in unpivot %}
    select
        pilot_id,
        queue,
        region,
        intent,
        period,
        '{{ m.metric }}' as metric,
        cast({{ m.numerator }} as {{ type_double() }}) as numerator,
        cast({{ m.denominator }} as {{ dbt.type_bigint() }}) as denominator,
        {{ m.value }} as metric_value,
        {{ m.stddev }} as value_stddev,
        {{ m.lower }} as value_lower,
        {{ m.upper }} as value_upper
    from aggregated
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

)

select * from unpivoted
