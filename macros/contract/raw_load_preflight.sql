{#-
    The pre-flight of the load (raw-sources.md v1.1: a missing table, a missing column or a column
    of the wrong type is not a bad row: the load is broken, and the run stops before any model is
    built). It runs as the second on-run-start hook, after the vars are validated, and as
    `dbt run-operation preflight_raw_load --args '{force: true}'` (the nightly's first step). A
    column delivered as text where the contract has another type is compatible: each value is read with a safe cast, and a value that cannot be
    read is quarantined with rule unreadable_<column> (see checked_latest_deliveries).
-#}

{#- The SQL type of a contract type on the target. -#}
{% macro raw_contract_sql_type(contract_type) %}
    {%- set types = {
        'varchar': dbt.type_string(),
        'timestamp': dbt.type_timestamp(),
        'boolean': dbt.type_boolean(),
        'integer': dbt.type_int(),
        'double': type_double(),
    } -%}
    {{ return(types[contract_type]) }}
{% endmacro %}


{#-
    The contract type family of a column found in the warehouse (an adapter Column): varchar,
    timestamp, boolean, integer, double, or the found type itself (lower case) when it is none of
    those (a timestamp with time zone, a date, a list...).
-#}
{% macro raw_type_family(column) %}
    {%- set dtype = (column.dtype | string | upper | trim) -%}
    {%- set base = modules.re.sub('\\(.*$', '', dtype) | trim -%}
    {%- set scale_match = modules.re.search(',\\s*([0-9]+)\\s*\\)', dtype) -%}
    {%- set scale = (scale_match.group(1) | int) if scale_match else (column.numeric_scale or 0) -%}
    {%- set text_types = ['VARCHAR', 'TEXT', 'STRING', 'CHAR', 'CHARACTER', 'CHARACTER VARYING', 'BPCHAR'] -%}
    {%- if column.is_string() or base in text_types -%}
        {{ return('varchar') }}
    {%- elif base in ['BOOLEAN', 'BOOL', 'LOGICAL'] -%}
        {{ return('boolean') }}
    {%- elif base in ['TIMESTAMP', 'TIMESTAMP_NTZ', 'DATETIME', 'TIMESTAMP WITHOUT TIME ZONE', 'TIMESTAMP_US', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP_NS'] -%}
        {{ return('timestamp') }}
    {%- elif base in ['TINYINT', 'SMALLINT', 'INTEGER', 'INT', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'BYTEINT', 'INT1', 'INT2', 'INT4', 'INT8', 'LONG'] -%}
        {{ return('integer') }}
    {%- elif base in ['NUMBER', 'DECIMAL', 'NUMERIC'] -%}
        {{ return('integer' if scale == 0 else 'double') }}
    {%- elif base in ['DOUBLE', 'DOUBLE PRECISION', 'FLOAT', 'FLOAT4', 'FLOAT8', 'REAL'] -%}
        {{ return('double') }}
    {%- endif -%}
    {{ return(dtype | lower) }}
{% endmacro %}


{#- Whether a found type family can be read as the contract type (text always can, value by value). -#}
{% macro raw_type_is_compatible(contract_type, found_family) %}
    {%- set compatible = {
        'varchar': ['varchar'],
        'timestamp': ['timestamp', 'varchar'],
        'boolean': ['boolean', 'varchar'],
        'integer': ['integer', 'varchar'],
        'double': ['double', 'integer', 'varchar'],
    } -%}
    {{ return(found_family in compatible[contract_type]) }}
{% endmacro %}


{#- The raw relation of a contract table, where the sources point (vars raw_database / raw_schema). -#}
{% macro raw_relation(table_name) %}
    {{ return(adapter.get_relation(
        database=project_var('raw_database'), schema=project_var('raw_schema'), identifier=table_name)) }}
{% endmacro %}


{#- The contract columns of a raw table that the load delivered as text although the contract types them otherwise. -#}
{% macro raw_columns_read_as_text(source_relation, table_name) %}
    {#- not when parsing, not in a unit test (the source is a fixture CTE of the contract's types),
        not in an offline compile (--no-introspect) -#}
    {%- if not execute or (source_relation | string | lower).startswith('__dbt__cte__')
        or not (flags.INTROSPECT if flags.INTROSPECT is defined else true) -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set contract = raw_contract(table_name) -%}
    {%- set found = {} -%}
    {%- for column in adapter.get_columns_in_relation(source_relation) -%}
        {%- do found.update({column.name | lower: raw_type_family(column)}) -%}
    {%- endfor -%}
    {%- set text_columns = [] -%}
    {%- for column in contract.columns -%}
        {%- if contract.types[column] != 'varchar' and found.get(column) == 'varchar' -%}
            {%- do text_columns.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(text_columns) }}
{% endmacro %}


{#-
    Where the pre-flight looked, in words: the DuckDB file and schema, or the Snowflake account,
    database and schema.
-#}
{% macro raw_load_location() %}
    {%- if target.type == 'duckdb' -%}
        {{ return("DuckDB file " ~ target.path ~ ", schema " ~ project_var('raw_schema')) }}
    {%- endif -%}
    {{ return(target.type ~ " account " ~ (target.account or '?') ~ ", "
        ~ project_var('raw_database') ~ "." ~ project_var('raw_schema')) }}
{% endmacro %}


{#- Every way the load breaks the contract, one sentence each (empty when the load is sound). -#}
{% macro raw_load_problems() %}
    {%- set problems = [] -%}
    {%- for table in raw_tables() -%}
        {%- set contract = raw_contract(table.source_table) -%}
        {%- set relation = raw_relation(table.source_table) -%}
        {%- if relation is none -%}
            {%- do problems.append("table " ~ table.source_table ~ " does not exist") -%}
        {%- else -%}
            {%- set found = {} -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do found.update({column.name | lower: column}) -%}
            {%- endfor -%}
            {%- for column in contract.columns -%}
                {%- set expected = contract.types[column] -%}
                {%- if column not in found -%}
                    {%- do problems.append("table " ~ table.source_table ~ " has no column " ~ column
                        ~ " (type expected: " ~ expected ~ ")") -%}
                {%- elif not raw_type_is_compatible(expected, raw_type_family(found[column])) -%}
                    {%- do problems.append("column " ~ table.source_table ~ "." ~ column ~ " is "
                        ~ (found[column].dtype | lower) ~ "; type expected: " ~ expected
                        ~ (" (or text that reads as " ~ expected ~ ")" if expected != 'varchar' else "")) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{% endmacro %}


{#-
    on-run-start: stop before any model runs when the load is broken, naming the contract, each
    table, column, the type expected and found, and where it looked. Skipped when the run selects
    no model (a seed-only or unit-test-only run does not read the load) and in a project without the
    copilot_raw source (the emulator's probe project reuses these macros).
-#}
{% macro preflight_raw_load(force=false) %}
    {#- not when parsing, nor in an offline compile (--no-introspect: no connection to look with) -#}
    {%- if not execute or not (flags.INTROSPECT if flags.INTROSPECT is defined else true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set selected = selected_resources if selected_resources is defined else [] -%}
    {%- set ns = namespace(reads_load=force, has_source=false) -%}
    {%- for source_node in graph.sources.values() if source_node.source_name == 'copilot_raw' -%}
        {%- set ns.has_source = true -%}
    {%- endfor -%}
    {%- set reading_kinds = ('model.', 'source.') -%}
    {%- for unique_id in selected if ns.has_source and unique_id.startswith(reading_kinds) -%}
        {%- set ns.reads_load = true -%}
    {%- endfor -%}
    {%- if not ns.reads_load -%}
        {{ return('') }}
    {%- endif -%}
    {%- set problems = raw_load_problems() -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "The raw load is broken (contract shared/contract/raw-sources.md v1.1), looked in "
            ~ raw_load_location() ~ ":\n  - " ~ (problems | join("\n  - "))
            ~ "\nFix the load (or point PILOT_DUCKDB_PATH / raw_database / raw_schema at the right one) and re-run;"
            ~ " no model was built.") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
