{#- A deterministic hash of a row's values (nulls included), built on dbt's cross-database hash. -#}
{% macro row_fingerprint(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{- dbt.hash(dbt.concat(parts)) -}}
{% endmacro %}
