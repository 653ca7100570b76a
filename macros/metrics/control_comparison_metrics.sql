{#-
    The metrics pilot_control_comparison compares between the arms (marts.md v1.1: the scorecard's
    agent-handled metrics), each as a ratio R = sum(Y) / sum(X) over its metrics.md population in
    int_tickets__outcome_flags: population (SQL true for a ticket in it), y (the ticket's Y; X = 1
    for every ticket of the population) and whether lower is better.
-#}
{% macro control_comparison_metrics() %}
    {{ return([
        {'metric': 'aht_seconds', 'population': 'is_agent_solved and agent_handle_time_seconds is not null',
            'y': 'agent_handle_time_seconds', 'is_lower_better': true},
        {'metric': 'csat_pct', 'population': 'is_csat_response',
            'y': 'case when is_csat_good then 100 else 0 end', 'is_lower_better': false},
        {'metric': 'fcr_rate', 'population': 'is_agent_solved',
            'y': 'case when is_first_contact_resolution then 1 else 0 end', 'is_lower_better': false},
        {'metric': 'escalation_rate', 'population': 'is_agent_solved',
            'y': 'case when is_escalated then 1 else 0 end', 'is_lower_better': true},
    ]) }}
{% endmacro %}


{#- The metrics of control_comparison_metrics() where lower is better, as a SQL list of literals ('a', 'b'). -#}
{% macro lower_is_better_metrics_sql() %}
    {{- return("'" ~ (control_comparison_metrics() | selectattr('is_lower_better') | map(attribute='metric')
        | join("', '")) ~ "'") -}}
{% endmacro %}
