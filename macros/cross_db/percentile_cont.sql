{#-
    Exact continuous percentile (linear interpolation between the two nearest ranks) of a
    column as an aggregate, e.g. percentile_cont('latency_ms', 0.95). Use it with group by
    only (not as a window function); never average its results across groups.
-#}
{% macro percentile_cont(column, fraction) %}
    {{- return(adapter.dispatch('percentile_cont', 'copilot_governance')(column, fraction)) -}}
{% endmacro %}


{% macro default__percentile_cont(column, fraction) %}
    percentile_cont({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}


{% macro duckdb__percentile_cont(column, fraction) %}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}


{% macro snowflake__percentile_cont(column, fraction) %}
    percentile_cont({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}
