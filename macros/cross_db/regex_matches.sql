{#-
    True when the regular expression `pattern` matches anywhere in `expression` (a partial,
    unanchored match; null when either side is null). `pattern` is a SQL expression (a column
    or a quoted literal). DuckDB: regexp_matches (RE2, partial). Snowflake: regexp_like and rlike
    match the whole string, so regexp_instr > 0 gives the partial match.
-#}
{% macro regex_matches(expression, pattern) %}
    {{- return(adapter.dispatch('regex_matches', 'copilot_governance')(expression, pattern)) -}}
{% endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro snowflake__regex_matches(expression, pattern) -%}
    (regexp_instr({{ expression }}, {{ pattern }}) > 0)
{%- endmacro %}
