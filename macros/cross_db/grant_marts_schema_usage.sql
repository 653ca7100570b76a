{#-
    on-run-end: lets the analyst role (var analyst_role / env var PILOT_ANALYST_ROLE, default ANALYST,
    a validated identifier, quoted the adapter's way) see into the
    marts schema, whose tables the `grants` configuration (dbt_project.yml) lets it select.
    Only schema `marts`: raw, staging, intermediate, config and audit are never granted to it.
    Snowflake only; nothing on DuckDB (no roles) nor on the emulator (fakesnow has no roles).
-#}
{% macro grant_marts_schema_usage() %}
    {{- return(adapter.dispatch('grant_marts_schema_usage', 'copilot_governance')()) -}}
{% endmacro %}


{% macro default__grant_marts_schema_usage() %}
    {{- return('') -}}
{% endmacro %}


{% macro snowflake__grant_marts_schema_usage() %}
    {%- set marts_schema = generate_schema_name('marts', none) -%}
    {%- set built = schemas | map('lower') | list if schemas is defined else [] -%}
    {%- if is_snowflake_emulator() or marts_schema | lower not in built -%}
        {{- return('') -}}
    {%- endif -%}
    {#- an unquoted Snowflake identifier means its upper-case form: quoted, it must be spelled so -#}
    {%- set schema_name = adapter.quote(target.database | upper) ~ '.' ~ adapter.quote(marts_schema | upper) -%}
    {%- set role_name = adapter.quote(project_var('analyst_role') | upper) -%}
    {{- return('grant usage on schema ' ~ schema_name ~ ' to role ' ~ role_name) -}}
{% endmacro %}
