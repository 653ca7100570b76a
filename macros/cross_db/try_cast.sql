{#-
    A text value read as another type, null when it cannot be (never an error): how the contract
    reads a raw column delivered as text ('maybe' in a boolean column is unreadable, not a failed
    night). dbt.safe_cast is a plain cast on DuckDB, so the engines' own try_cast is used.
-#}
{% macro try_cast_text(column, sql_type) %}
    {{- return(adapter.dispatch('try_cast_text', 'copilot_governance')(column, sql_type)) -}}
{% endmacro %}


{% macro default__try_cast_text(column, sql_type) %}{{ dbt.safe_cast(column, sql_type) }}{% endmacro %}


{% macro duckdb__try_cast_text(column, sql_type) %}try_cast({{ column }} as {{ sql_type }}){% endmacro %}


{#- Snowflake's try_cast takes text only: the column is text here by construction. -#}
{% macro snowflake__try_cast_text(column, sql_type) %}try_cast({{ column }} as {{ sql_type }}){% endmacro %}
