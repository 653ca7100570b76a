{#-
    The status of a governance signal, one definition for every anomaly and advisory view:
    insufficient_data when the minimum sample is not met (never a pass or a breach), else breach
    when the observed value is beyond the configured limit in the configured direction
    (comparison greater_than: observed > limit; less_than: observed < limit), else ok.
    Both sides are compared rounded to 9 decimals, so floating-point noise (0.14 * 1.3 is
    0.18200000000000002 in binary) never decides a value that sits exactly at its limit.
-#}
{% macro signal_status(has_min_sample, observed_value, limit_value, comparison) -%}
    case
        when not coalesce({{ has_min_sample }}, false) then 'insufficient_data'
        when {{ observed_value }} is null or {{ limit_value }} is null then 'insufficient_data'
        when
            {{ comparison }} = 'greater_than'
            and round({{ observed_value }}, 9) > round({{ limit_value }}, 9)
            then 'breach'
        when
            {{ comparison }} = 'less_than'
            and round({{ observed_value }}, 9) < round({{ limit_value }}, 9)
            then 'breach'
        else 'ok'
    end
{%- endmacro %}


{#- The as-of day of the run (validated var as_of_date) as a SQL date literal. -#}
{% macro as_of_date_literal() -%}
    cast('{{ as_of_date() }}' as date)
{%- endmacro %}


{#-
    The one definition of a signal's windows: the days between an input day and the evaluated
    day (0 = the evaluated day itself), whether an input day falls in the current window (the
    current_window_days ending on the evaluated day) or in the windows read at all (current and
    the reference_window_days just before it). `config` is a relation or CTE of
    int_governance__signal_config.
-#}
{% macro signal_days_before(input_date, eval_date) -%}
    {{ dbt.datediff(input_date, eval_date, 'day') }}
{%- endmacro %}


{% macro in_signal_windows(input_date, eval_date, config) -%}
    {{ signal_days_before(input_date, eval_date) }}
    between 0 and {{ config }}.current_window_days + coalesce({{ config }}.reference_window_days, 0) - 1
{%- endmacro %}


{% macro in_current_window(input_date, eval_date, config) -%}
    {{ signal_days_before(input_date, eval_date) }} between 0 and {{ config }}.current_window_days - 1
{%- endmacro %}
