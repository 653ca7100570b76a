{#-
    Offline compilation: `dbt compile --no-introspect` (with --no-populate-cache) renders SQL for a
    target without a connection, e.g. a real Snowflake account from CI. A macro that would query
    the warehouse while compiling (adapter.get_relation, run_query) checks can_query_warehouse()
    first and falls back to a query-free rendering. In every other run it is the same as `execute`.
-#}
{% macro can_query_warehouse() %}
    {{ return(execute and flags.INTROSPECT) }}
{% endmacro %}


{#-
    dbt's is_incremental() looks the model's table up in the warehouse. Offline it cannot, so the
    model compiles as a first (full) build; otherwise this is dbt's own is_incremental().
-#}
{% macro is_incremental() %}
    {%- if execute and not can_query_warehouse() -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{% endmacro %}
