{#-
    The cluster structure of the pilot-against-control comparison (marts.md v1.1): per pilot x queue
    x region x metric and cluster (an agent; a ticket without one is its own cluster), the sums of Y
    and X of each arm over the metric's population (control_comparison_metrics()), the scope's
    tickets (int_pilots__scope_tickets: queues, regions, channels) solved in the pilot window as
    evaluated (pilot_start_date to pilot_evaluated_end_date: settled data).
-#}
{%- set metrics = control_comparison_metrics() -%}

with

scope_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}
    where is_pilot_solved

),

window_tickets as (

    select
        *,
        coalesce(agent_id, {{ dbt.concat(["'ticket:'", 'ticket_id']) }}) as cluster_id
    from scope_tickets

),

metric_tickets as (

    {% for m in metrics %}
    select
        pilot_id,
        queue,
        region,
        '{{ m.metric }}' as metric,
        cluster_id,
        is_copilot_enabled,
        cast({{ m.y }} as {{ type_double() }}) as y_value
    from window_tickets
    where {{ m.population }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        pilot_id,
        queue,
        region,
        metric,
        cluster_id,
        coalesce(sum(case when is_copilot_enabled then y_value end), 0) as pilot_y_sum,
        {{ count_where('is_copilot_enabled') }} as pilot_x_sum,
        coalesce(sum(case when not is_copilot_enabled then y_value end), 0) as control_y_sum,
        {{ count_where('not is_copilot_enabled') }} as control_x_sum
    from metric_tickets
    group by pilot_id, queue, region, metric, cluster_id

)

select * from final
