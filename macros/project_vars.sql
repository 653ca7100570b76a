{#-
    Every project variable reaches SQL through project_var(name), which validates it against the
    one table of vars (dbt_project.yml, vars.project_vars: name, type, range, default, meaning, env)
    and stops the run with a message that says what to fix. validate_project_vars() runs them all
    at the start of every run (on-run-start), so a bad --vars or env var fails before any model builds.
    Types: integer and number (parsed strictly: '0.2-' is a typo, never a number), date, timestamp,
    identifier (a database, schema or role name: never anything that could close a quote or end a
    statement).
-#}

{#- The table of vars, name -> spec. -#}
{% macro project_var_specs() %}
    {%- set specs = {} -%}
    {%- for spec in var('project_vars') -%}
        {%- do specs.update({spec.name: spec}) -%}
    {%- endfor -%}
    {{ return(specs) }}
{% endmacro %}


{% macro project_var_spec(name) %}
    {%- set specs = project_var_specs() -%}
    {%- if name not in specs -%}
        {{ exceptions.raise_compiler_error(
            "project_var: '" ~ name ~ "' is not in the table of vars (dbt_project.yml vars.project_vars)."
        ) }}
    {%- endif -%}
    {{ return(specs[name]) }}
{% endmacro %}


{#- The validated value of a var (its default when unset): a number, or a date / timestamp / identifier string. -#}
{% macro project_var(name) %}
    {%- set spec = project_var_spec(name) -%}
    {%- set given = var(name, none) -%}
    {%- set source = "var '" ~ name ~ "'" -%}
    {%- if (given is none or (given is string and given == '')) and spec.env -%}
        {%- set given = env_var(spec.env, '') -%}
        {%- set source = "env var " ~ spec.env ~ " (var '" ~ name ~ "')" -%}
    {%- endif -%}
    {%- set checked = project_var_check(spec, given, source) -%}
    {%- if checked.error -%}
        {{ exceptions.raise_compiler_error(checked.error) }}
    {%- endif -%}
    {{ return(checked.value) }}
{% endmacro %}


{#-
    A value checked against its spec: {'value': the validated value} or {'error': the message that
    says what to fix}.
-#}
{% macro project_var_check(spec, given, source) %}
    {#- unset: no value, or an empty one (an env var set to ''); whitespace is a value, and checked -#}
    {%- set is_unset = given is none or (given is string and given == '') -%}
    {%- if spec.type in ['integer', 'number'] -%}
        {{ return(project_var_parse_number(spec, spec.default if is_unset else given, source)) }}
    {%- elif spec.type == 'date' -%}
        {{ return({'value': project_var_default_date()} if is_unset else project_var_parse_date(spec, given, source)) }}
    {%- elif spec.type == 'timestamp' -%}
        {{ return({'value': run_started_at.strftime('%Y-%m-%d %H:%M:%S')} if is_unset else project_var_parse_timestamp(spec, given, source)) }}
    {%- elif spec.type == 'identifier' -%}
        {%- if is_unset -%}
            {{ return({'value': target.database if spec.default == 'target database' else spec.default}) }}
        {%- endif -%}
        {{ return(project_var_parse_identifier(spec, given, source)) }}
    {%- endif -%}
    {{ return({'error': "project_var: unknown type '" ~ spec.type ~ "' for '" ~ spec.name ~ "'."}) }}
{% endmacro %}


{% macro project_var_parse_number(spec, raw, source) %}
    {%- set whole = spec.type == 'integer' -%}
    {%- set text = raw | string | trim -%}
    {%- set pattern = '-?[0-9]+' if whole else '-?([0-9]+([.][0-9]*)?|[.][0-9]+)' -%}
    {%- if raw is boolean or raw is none or not modules.re.fullmatch(pattern, text) -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": '" ~ raw ~ "'. Expected a "
            ~ ('whole number' if whole else 'number') ~ " from " ~ spec.min ~ " to " ~ spec.max
            ~ ", e.g. --vars '{" ~ spec.name ~ ": " ~ spec.default ~ "}'."}) }}
    {%- endif -%}
    {%- set value = (text | int) if whole else (text | float) -%}
    {%- if value < spec.min or value > spec.max -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": " ~ value
            ~ " is outside " ~ spec.min ~ " to " ~ spec.max ~ "."}) }}
    {%- endif -%}
    {{ return({'value': value}) }}
{% endmacro %}


{#- Yesterday, UTC: the default as-of day. -#}
{% macro project_var_default_date() %}
    {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date() -%}
    {{ return((today - modules.datetime.timedelta(days=1)).isoformat()) }}
{% endmacro %}


{#- Whether year-month-day is a calendar day. -#}
{% macro project_var_is_calendar_day(year, month, day) %}
    {%- if not (1 <= month <= 12 and 1 <= year <= 9998) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set next_month = modules.datetime.date(year + (month // 12), (month % 12) + 1, 1) -%}
    {{ return(1 <= day <= (next_month - modules.datetime.timedelta(days=1)).day) }}
{% endmacro %}


{#- A YYYY-MM-DD date from spec.min to spec.max ('today': the current UTC date). -#}
{% macro project_var_parse_date(spec, raw, source) %}
    {%- set text = raw | string | trim -%}
    {%- set today = modules.datetime.datetime.now(modules.pytz.utc).date().isoformat() -%}
    {%- set max_date = today if spec.max == 'today' else spec.max -%}
    {%- set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text) -%}
    {%- if not match -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": '" ~ raw ~ "'. Expected a calendar date as YYYY-MM-DD, "
            ~ "e.g. --vars '{" ~ spec.name ~ ": 2026-11-23}' (or leave it unset for yesterday, UTC)."}) }}
    {%- endif -%}
    {#- marts.md v1.1: the range is checked first, so 9999-12-31 names the range, not the calendar -#}
    {%- if text < spec.min or text > max_date -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": '" ~ raw ~ "' is outside " ~ spec.min ~ " to " ~ max_date
            ~ (" (today, UTC)" if spec.max == 'today' else "") ~ ": the as-of day is a day whose data can exist."
            ~ " A day after the last load is valid and fails the gate through data_completeness."}) }}
    {%- endif -%}
    {%- if not project_var_is_calendar_day(match.group(1) | int, match.group(2) | int, match.group(3) | int) -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": '" ~ raw ~ "'. Expected a calendar date as YYYY-MM-DD, "
            ~ "e.g. --vars '{" ~ spec.name ~ ": 2026-11-23}' (or leave it unset for yesterday, UTC)."}) }}
    {%- endif -%}
    {{ return({'value': text}) }}
{% endmacro %}


{#- A 'YYYY-MM-DD[ HH:MM[:SS]]' UTC timestamp (a T between date and time is accepted) from spec.min on. -#}
{% macro project_var_parse_timestamp(spec, raw, source) %}
    {%- set text = raw | string | trim | replace('T', ' ') -%}
    {%- set timestamp_pattern = '([0-9]{4})-([0-9]{2})-([0-9]{2})( ([0-9]{2}):([0-9]{2})(:([0-9]{2}))?)?' -%}
    {%- set match = modules.re.fullmatch(timestamp_pattern, text) -%}
    {%- set ns = namespace(valid=false, text='') -%}
    {%- if match -%}
        {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
        {%- set hour = (match.group(5) or 0) | int -%}
        {%- set minute = (match.group(6) or 0) | int -%}
        {%- set second = (match.group(8) or 0) | int -%}
        {%- set ns.text = '%04d-%02d-%02d %02d:%02d:%02d' | format(year, month, day, hour, minute, second) -%}
        {%- set ns.valid = hour < 24 and minute < 60 and second < 60 and ns.text >= spec.min
            and project_var_is_calendar_day(year, month, day) -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": '" ~ raw ~ "'. Expected a UTC timestamp from "
            ~ spec.min[:4] ~ " on as 'YYYY-MM-DD HH:MM:SS', e.g. --vars '{" ~ spec.name ~ ": \"2026-11-24 06:00:00\"}'."}) }}
    {%- endif -%}
    {{ return({'value': ns.text}) }}
{% endmacro %}


{#-
    A database, schema or role name: a letter or underscore, then letters, digits, underscores or
    $, at most 255 characters (what Snowflake and DuckDB both take unquoted). Anything else (a
    quote, a dot, a semicolon, a comment, a space, unicode) is refused, never escaped: a name that
    needs quoting is not a name this project configures.
-#}
{% macro project_var_parse_identifier(spec, raw, source) %}
    {%- set text = raw | string -%}
    {#- fullmatch: '$' alone would let a trailing line feed through -#}
    {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_$]{0,254}', text) -%}
        {%- set shown = (text[:60] ~ '...') if text | length > 60 else text -%}
        {{ return({'error': "Invalid value for " ~ source ~ ": " ~ (shown | tojson)
            ~ " is not an identifier. Expected a letter or underscore, then letters, digits, underscores or $ (at most 255 characters), e.g. " ~ spec.default ~ "."}) }}
    {%- endif -%}
    {{ return({'value': text}) }}
{% endmacro %}


{#- The project's var names: a --vars name not in the table is a typo (as_off_date) and stops the run. -#}
{% macro known_project_vars() %}
    {{ return(project_var_specs().keys() | list) }}
{% endmacro %}


{% macro validate_var_names() %}
    {%- set given = invocation_args_dict.get('vars') or {} -%}
    {%- if given is string -%}
        {%- set given = fromyaml(given) or {} -%}
    {%- endif -%}
    {%- if 'project_vars' in given -%}
        {{ exceptions.raise_compiler_error(
            "project_vars is the table of vars in dbt_project.yml, not a var to set: pass the vars it lists instead.") }}
    {%- endif -%}
    {%- if 'metric_registry' in given -%}
        {{ exceptions.raise_compiler_error(
            "metric_registry is the project's metric definitions in dbt_project.yml, not a var to set.") }}
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


{#- on-run-start: every var of the table validated (names first), before any model runs. -#}
{% macro validate_project_vars() %}
    {%- do validate_var_names() -%}
    {%- for name in known_project_vars() -%}
        {%- do project_var(name) -%}
    {%- endfor -%}
{% endmacro %}


{#- The as-of day of a run ('YYYY-MM-DD'): see var as_of_date. -#}
{% macro as_of_date() %}
    {{ return(project_var('as_of_date')) }}
{% endmacro %}


{#- The simulated time of the run ('YYYY-MM-DD HH:MM:SS' UTC): see var reference_time. -#}
{% macro reference_time() %}
    {{ return(project_var('reference_time')) }}
{% endmacro %}
