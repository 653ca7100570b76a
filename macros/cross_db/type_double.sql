{#-
    A 64-bit floating-point type on every engine. dbt.type_float() is `float`, which is 32-bit
    on DuckDB (REAL): rates, costs and percentiles would lose precision there.
-#}
{% macro type_double() %}
    {{- return(adapter.dispatch('type_double', 'copilot_governance')()) -}}
{% endmacro %}


{% macro default__type_double() %}double precision{% endmacro %}


{% macro duckdb__type_double() %}double{% endmacro %}


{% macro snowflake__type_double() %}float{% endmacro %}
