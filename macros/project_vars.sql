{#-
    Every project variable reaches SQL through one of these accessors, which validate it and
    stop the run with a message that says what to fix. validate_project_vars() runs them all
    at the start of every run (on-run-start), so a bad --vars fails before any model builds.
-#}
{% macro project_var_int(name, min_value, max_value) %}
    {{ return(project_var_number(name, min_value, max_value, whole=true)) }}
{% endmacro %}


{% macro project_var_number(name, min_value, max_value, whole=false) %}
    {%- set raw = var(name) -%}
    {%- set text = raw | string | trim -%}
    {%- set digits = text | replace('-', '', 1) if whole else text | replace('-', '', 1) | replace('.', '', 1) -%}
    {%- if raw is boolean or not digits.isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': '" ~ raw ~ "'. Expected a " ~ ('whole number' if whole else 'number')
            ~ " from " ~ min_value ~ " to " ~ max_value ~ ", e.g. --vars '{" ~ name ~ ": " ~ min_value ~ "}'.") }}
    {%- endif -%}
    {%- set value = (text | int) if whole else (text | float) -%}
    {%- if value < min_value or value > max_value -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var '" ~ name ~ "': " ~ value ~ " is outside " ~ min_value ~ " to " ~ max_value ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{% macro validate_project_vars() %}
    {%- do project_var_int('max_future_days_after_load', 0, 365) -%}
    {%- do project_var_number('minor_edit_max', 0, 1) -%}
    {%- do project_var_number('wilson_z', 0.01, 10) -%}
    {%- do project_var_int('min_drafts', 1, 1000000) -%}
    {%- do project_var_int('min_band_drafts', 1, 1000000) -%}
    {%- do project_var_number('go_no_go_stop_acceptance_below', 0, 1) -%}
    {%- do as_of_date() -%}
{% endmacro %}


{#-
    The as-of day of a run (var as_of_date, YYYY-MM-DD, from 2000-01-01 to the current UTC date):
    the last complete UTC day the governance signals and the threshold views are evaluated for.
    Default: the day before the current UTC date. Returns the validated date as a 'YYYY-MM-DD' string.
-#}
{% macro as_of_date() %}
    {%- set raw = var('as_of_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date() -%}
        {{ return((today - modules.datetime.timedelta(days=1)).isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set ns = namespace(valid=false) -%}
    {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {%- set year, month, day = text[0:4] | int, text[5:7] | int, text[8:10] | int -%}
        {%- if 1 <= month <= 12 and year >= 1 -%}
            {%- set next_month = modules.datetime.date(year + (month // 12), (month % 12) + 1, 1) -%}
            {%- set days_in_month = (next_month - modules.datetime.timedelta(days=1)).day -%}
            {%- set ns.valid = 1 <= day <= days_in_month -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'as_of_date': '" ~ raw ~ "'. Expected a calendar date as YYYY-MM-DD, "
            ~ "e.g. --vars '{as_of_date: 2026-11-23}' (or leave it unset for yesterday, UTC).") }}
    {%- endif -%}
    {#- marts.md v1.1: a real date from 2000-01-01 to the current UTC date -#}
    {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date() -%}
    {%- if text < '2000-01-01' or text > today.isoformat() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'as_of_date': '" ~ raw ~ "' is outside 2000-01-01 to " ~ today.isoformat()
            ~ " (today, UTC): the as-of day is a day whose data can exist. A day after the last load is"
            ~ " valid and fails the gate through data_completeness.") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
