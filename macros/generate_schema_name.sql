{#-
    Custom schemas are used as named (staging, intermediate, marts, audit, config), not
    prefixed with the target schema, so analysts and grants see stable names on every target.
    A model without a custom schema lands in the target's schema. See DECISIONLOG.md#configuration-vars-and-schemas.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
