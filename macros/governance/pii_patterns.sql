{#-
    The rows of seed pii_patterns, read when the model runs (after the seed is built): a list of
    {'exception_type', 'pattern'} sorted by exception_type, so each pattern is written into the
    scan as a constant (a regular expression compiled once, not once per row). An exception type
    must be a lower-case name (letters, digits, underscores); anything else stops the run with
    what to fix. While dbt parses, or compiles offline (can_query_warehouse), the list is empty.
-#}
{% macro pii_pattern_rows() %}
    {%- if not can_query_warehouse() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set relation = ref('pii_patterns') -%}
    {%- if (relation | string).startswith('__dbt__cte__') -%}
        {#- a unit test, where ref() names the test's fixture: its patterns are the built seed's too
            (schema config, as dbt_project.yml's seeds +schema) -#}
        {%- set relation = api.Relation.create(
            database=target.database, schema=generate_schema_name('config', none), identifier='pii_patterns'
        ) -%}
    {%- endif -%}
    {%- set result = run_query('select exception_type, pattern from ' ~ relation ~ ' order by exception_type') -%}
    {%- set rows = [] -%}
    {%- for row in result.rows -%}
        {%- if row[0] is none or not modules.re.fullmatch('[a-z][a-z0-9_]{0,62}', row[0]) -%}
            {{ exceptions.raise_compiler_error(
                "seed pii_patterns: exception_type " ~ (row[0] | tojson)
                ~ " is not a lower-case name (letters, digits, underscores, starting with a letter)."
            ) }}
        {%- endif -%}
        {%- if row[1] is none or row[1] | trim == '' -%}
            {{ exceptions.raise_compiler_error("seed pii_patterns: " ~ row[0] ~ " has no pattern.") }}
        {%- endif -%}
        {%- do rows.append({'exception_type': row[0], 'pattern': row[1]}) -%}
    {%- endfor -%}
    {{ return(rows) }}
{% endmacro %}


{#-
    A text value as a SQL string literal: quoted and escaped for the engine, so a value from
    configuration is always data in the statement, never SQL. DuckDB (and the SQL standard)
    doubles a single quote; Snowflake also reads a backslash as an escape, so it is doubled too.
-#}
{% macro sql_string_literal(value) %}
    {{- return(adapter.dispatch('sql_string_literal', 'copilot_governance')(value)) -}}
{% endmacro %}

{% macro default__sql_string_literal(value) %}
    {{- return("'" ~ (value | string).replace("'", "''") ~ "'") -}}
{% endmacro %}

{% macro snowflake__sql_string_literal(value) %}
    {{- return("'" ~ (value | string).replace("\\", "\\\\").replace("'", "''") ~ "'") -}}
{% endmacro %}
