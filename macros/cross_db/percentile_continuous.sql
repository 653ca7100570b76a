{#-
    The exact continuous percentile (linear interpolation) of `expression` at `fraction`
    (0 to 1) as an aggregate, e.g. 0.95 for p95. DuckDB: quantile_cont. Snowflake and others:
    the ordered-set aggregate percentile_cont ... within group.
-#}
{% macro percentile_continuous(expression, fraction) %}
    {{- return(adapter.dispatch('percentile_continuous', 'copilot_governance')(expression, fraction)) -}}
{% endmacro %}

{% macro default__percentile_continuous(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_continuous(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
