{#-
    Workarounds for what the Snowflake emulator (fakesnow 0.12, DuckDB underneath) cannot run.
    Each override below changes dbt-snowflake's SQL ONLY when is_snowflake_emulator() is true:
    on every other target, including a real Snowflake account, it hands over to dbt-snowflake's
    own macro (the `dbt.` namespace holds the adapter's originals) and so changes nothing.

    What the emulator therefore cannot prove (DECISIONLOG.md#cross-database-and-snowflake): MERGE, temporary tables and
    views, persisted comments (persist_docs), grants and roles, per-model query tags, warehouses,
    time travel.
-#}

{#- The emulator target: the profile's `fakesnow` output, whose account is fakesnow's placeholder. -#}
{% macro is_snowflake_emulator() %}
    {{ return(target.type == 'snowflake' and target.name == 'fakesnow' and target.account == 'fakesnow') }}
{% endmacro %}


{#-
    Temporary tables: fakesnow rejects `create temporary table <database>.<schema>.<name>` (a
    qualified temporary table), which dbt creates for unit tests and incremental runs. On the
    emulator the relation is an ordinary table; dbt drops it after use as it would the temporary one.
-#}
{% macro snowflake__create_table_temporary_sql(relation, compiled_code) -%}
    {%- if is_snowflake_emulator() -%}
        {%- set contract_config = config.get('contract') -%}
        {%- if contract_config.enforced -%}
            {%- do get_assert_columns_equivalent(compiled_code) -%}
            {%- set compiled_code = get_select_subquery(compiled_code) -%}
        {%- endif -%}
        {%- set columns = get_table_columns_and_constraints() if contract_config.enforced else '' %}
        create or replace table {{ relation }} {{ columns }} as (
            {{ compiled_code }}
        );
    {%- else -%}
        {{ dbt.snowflake__create_table_temporary_sql(relation, compiled_code) }}
    {%- endif -%}
{%- endmacro %}


{#-
    The incremental tmp relation: dbt-snowflake makes it a temporary view for MERGE, read once.
    Delete+insert reads it twice, after the delete too, so on the emulator it is a table (as
    dbt-snowflake itself does for delete+insert): a model that reads {{ this }} keeps its rows.
-#}
{% macro dbt_snowflake_get_tmp_relation_type(strategy, unique_key, language) %}
    {%- if is_snowflake_emulator() -%}
        {{ return('table') }}
    {%- endif -%}
    {{ return(dbt.dbt_snowflake_get_tmp_relation_type(strategy, unique_key, language)) }}
{% endmacro %}


{#-
    MERGE: fakesnow does not run dbt-snowflake's MERGE statement. On the emulator an incremental
    merge becomes delete+insert on the same unique key (insert only when there is no key), which
    leaves the same rows; a real Snowflake target keeps MERGE.
-#}
{% macro snowflake__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
    {%- if is_snowflake_emulator() -%}
        {{ get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) }}
    {%- else -%}
        {{ dbt.snowflake__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) }}
    {%- endif -%}
{%- endmacro %}


{#-
    Persisted comments (persist_docs): fakesnow cannot parse dbt-snowflake's column comments
    (`alter table ... alter "COL" comment $$...$$`) nor a dollar-quoted comment that contains a
    quote. On the emulator no comment is written; a real Snowflake target writes them all.
-#}
{% macro snowflake__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if not is_snowflake_emulator() -%}
        {{ dbt.snowflake__persist_docs(relation, model, for_relation, for_columns) }}
    {%- endif -%}
{%- endmacro %}


{#-
    Grants: fakesnow has no roles and no `show grants`. On the emulator the grants configuration
    is not applied; a real Snowflake target applies it as dbt-snowflake always does.
-#}
{% macro snowflake__apply_grants(relation, grant_config, should_revoke=True) -%}
    {%- if not is_snowflake_emulator() -%}
        {{ dbt.default__apply_grants(relation, grant_config, should_revoke) }}
    {%- endif -%}
{%- endmacro %}


{#-
    Query tags: dbt-snowflake reads the session's tag with `show parameters like 'query_tag' in
    session`, for which fakesnow returns no row. On the emulator the per-model query_tag is not
    set (the profile's session tag stays); a real Snowflake target sets and resets it per model.
-#}
{% macro snowflake__set_query_tag() -%}
    {%- if is_snowflake_emulator() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(dbt.snowflake__set_query_tag()) }}
{%- endmacro %}


{% macro snowflake__unset_query_tag(original_query_tag) -%}
    {%- if not is_snowflake_emulator() -%}
        {{ return(dbt.snowflake__unset_query_tag(original_query_tag)) }}
    {%- endif -%}
{%- endmacro %}
