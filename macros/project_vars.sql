{#-
    Every project variable reaches SQL through one of these accessors, which validate it and
    stop the run with a message that says what to fix. validate_project_vars() runs them all
    at the start of every run (on-run-start), so a bad --vars fails before any model builds.
-#}
{% macro project_var_int(name, min_value, max_value) %}
    {%- set raw = var(name) -%}
    {%- set text = raw | string | trim -%}
    {%- if raw is boolean or not (text | replace('-', '', 1)).isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': '" ~ raw ~ "'. Expected a whole number from "
            ~ min_value ~ " to " ~ max_value ~ ", e.g. --vars '{" ~ name ~ ": " ~ min_value ~ "}'.") }}
    {%- endif -%}
    {%- set value = text | int -%}
    {%- if value < min_value or value > max_value -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': " ~ value ~ " is outside " ~ min_value ~ " to " ~ max_value ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro project_var_number(name, min_value, max_value) %}
    {%- set raw = var(name) -%}
    {%- set text = raw | string | trim -%}
    {%- set digits = text | replace('-', '', 1) | replace('.', '', 1) -%}
    {%- if raw is boolean or not digits.isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': '" ~ raw ~ "'. Expected a number from "
            ~ min_value ~ " to " ~ max_value ~ ".") }}
    {%- endif -%}
    {%- set value = text | float -%}
    {%- if value < min_value or value > max_value -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': " ~ value ~ " is outside " ~ min_value ~ " to " ~ max_value ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro validate_project_vars() %}
    {%- do project_var_int('max_future_days_after_load', 0, 365) -%}
    {%- do project_var_number('minor_edit_max', 0, 1) -%}
{% endmacro %}
