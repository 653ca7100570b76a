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
    {#- strict: the whole value is a number ('0.2-' or '3-' is a typo, never a number) -#}
    {%- set pattern = '^-?[0-9]+$' if whole else '^-?([0-9]+([.][0-9]*)?|[.][0-9]+)$' -%}
    {%- if raw is boolean or raw is none or not modules.re.match(pattern, text) -%}
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


{#-
    The project's vars: a --vars name not listed here is a typo (as_off_date) and stops the run,
    naming the known ones and the closest. Keep in step with dbt_project.yml's vars and the README.
-#}
{% macro known_project_vars() %}
    {{ return([
        'as_of_date', 'reference_time', 'minor_edit_max', 'max_future_days_after_load', 'wilson_z',
        'min_drafts', 'min_band_drafts', 'go_no_go_stop_acceptance_below', 'raw_database', 'raw_schema',
    ]) }}
{% endmacro %}


{% macro validate_var_names() %}
    {%- set given = invocation_args_dict.get('vars') or {} -%}
    {%- if given is string -%}
        {%- set given = fromyaml(given) or {} -%}
    {%- endif -%}
    {%- set known = known_project_vars() -%}
    {%- for name in given if name not in known -%}
        {#- the closest known name: the one sharing the longest start with it (as_off_date: as_of_date) -#}
        {%- set ns = namespace(best='', length=2) -%}
        {%- for candidate in known -%}
            {%- set shared = namespace(n=0, open=true) -%}
            {%- for i in range([candidate | length, name | string | length] | min) -%}
                {%- if shared.open and candidate[i] == (name | string)[i] -%}
                    {%- set shared.n = shared.n + 1 -%}
                {%- else -%}
                    {%- set shared.open = false -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if shared.n > ns.length -%}
                {%- set ns.best, ns.length = candidate, shared.n -%}
            {%- endif -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Unknown var '" ~ name ~ "'" ~ ((" (did you mean '" ~ ns.best ~ "'?)") if ns.best else "")
            ~ ". Known vars: " ~ (known | join(', ')) ~ ".") }}
    {%- endfor -%}
{% endmacro %}


{#-
    The simulated time of the run (var reference_time, 'YYYY-MM-DD HH:MM:SS' UTC, default the time
    the run started): a replay or a test sets the morning it simulates. Returns the validated text.
-#}
{% macro reference_time() %}
    {%- set raw = var('reference_time', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }}
    {%- endif -%}
    {%- set text = raw | string | trim | replace('T', ' ') -%}
    {%- set match = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})( ([0-9]{2}):([0-9]{2})(:([0-9]{2}))?)?$', text) -%}
    {%- set ns = namespace(valid=false) -%}
    {%- if match -%}
        {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
        {%- set hour, minute, second = (match.group(5) or 0) | int, (match.group(6) or 0) | int, (match.group(8) or 0) | int -%}
        {%- if year >= 2000 and 1 <= month <= 12 and hour < 24 and minute < 60 and second < 60 -%}
            {%- set next_month = modules.datetime.date(year + (month // 12), (month % 12) + 1, 1) -%}
            {%- set ns.valid = 1 <= day <= (next_month - modules.datetime.timedelta(days=1)).day -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'reference_time': '" ~ raw ~ "'. Expected a UTC timestamp from 2000 on as "
            ~ "'YYYY-MM-DD HH:MM:SS', e.g. --vars '{reference_time: \"2026-11-24 06:00:00\"}'.") }}
    {%- endif -%}
    {{ return('%04d-%02d-%02d %02d:%02d:%02d' | format(year, month, day, hour, minute, second)) }}
{% endmacro %}


{% macro validate_project_vars() %}
    {%- do validate_var_names() -%}
    {%- do reference_time() -%}
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
    {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date() -%}
    {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {%- set year, month, day = text[0:4] | int, text[5:7] | int, text[8:10] | int -%}
        {%- if 1 <= month <= 12 and 2000 <= year <= today.year -%}
            {%- set next_month = modules.datetime.date(year + (month // 12), (month % 12) + 1, 1) -%}
            {%- set days_in_month = (next_month - modules.datetime.timedelta(days=1)).day -%}
            {%- set ns.valid = 1 <= day <= days_in_month -%}
        {%- endif -%}
    {%- endif -%}
    {%- set is_out_of_range = modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text)
        and (text < '2000-01-01' or text > today.isoformat()) -%}
    {%- if not ns.valid and not is_out_of_range -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'as_of_date': '" ~ raw ~ "'. Expected a calendar date as YYYY-MM-DD, "
            ~ "e.g. --vars '{as_of_date: 2026-11-23}' (or leave it unset for yesterday, UTC).") }}
    {%- endif -%}
    {#- marts.md v1.1: a real date from 2000-01-01 to the current UTC date -#}
    {%- if text < '2000-01-01' or text > today.isoformat() -%}
        {{ exceptions.raise_compiler_error(
            "Invalid value for var 'as_of_date': '" ~ raw ~ "' is outside 2000-01-01 to " ~ today.isoformat()
            ~ " (today, UTC): the as-of day is a day whose data can exist. A day after the last load is"
            ~ " valid and fails the gate through data_completeness.") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
