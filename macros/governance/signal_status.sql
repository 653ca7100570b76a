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
    The days a signal view is evaluated for: every day of `date_column` in `relation` (a CTE or
    relation), and the as-of day itself, so a quiet as-of day is still judged on the rest of its
    window. The body of each anomaly and advisory view's eval_dates CTE.
-#}
{% macro signal_eval_dates(relation, date_column) %}
    select {{ date_column }} as eval_date
    from {{ relation }}
    union
    select {{ as_of_date_literal() }} as eval_date
{%- endmacro %}
