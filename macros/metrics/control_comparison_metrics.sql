{#-
    The metrics pilot_control_comparison compares between the arms (marts.md v1.1: the scorecard's
    agent-handled metrics; compared_with_control in the metric registry), each as a ratio
    R = sum(Y) / sum(X) over its population of tickets: population (SQL true for a ticket in the
    metric's denominator), y (the ticket's Y; X = 1 for every ticket of the population) and
    whether lower is better, all derived from the registry (metric_ticket_terms).
-#}
{% macro control_comparison_metrics() %}
    {%- set metrics = [] -%}
    {%- for metric in registry_metric_names('compared_with_control') -%}
        {%- do metrics.append(metric_ticket_terms(metric)) -%}
    {%- endfor -%}
    {{ return(metrics) }}
{% endmacro %}
