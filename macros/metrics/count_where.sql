{#-
    Number of rows for which a boolean SQL expression is true, as bigint (0 when none; null only
    counts as not true).
-#}
{% macro count_where(condition) %}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}
