{#-
    The verdict of a value against a target, one definition for the scorecards and every go/no-go
    criterion (as signal_status is for signals): insufficient_data when the evidence is not
    sufficient (is_sufficient false or null: below the minimum sample, no value, no limit), never
    a pass; else meets when the value is on the target's side of the limit (comparison at_least:
    value >= limit; at_most: value <= limit; strict = true excludes the limit itself, for an
    interval bound that must lie entirely on one side), else misses.
-#}
{% macro target_verdict(value, comparison, limit_value, is_sufficient='true', strict=false) -%}
    {%- set at_least, at_most = ('>', '<') if strict else ('>=', '<=') -%}
    case
        when not coalesce({{ is_sufficient }}, false) then 'insufficient_data'
        when {{ value }} is null or {{ limit_value }} is null then 'insufficient_data'
        when {{ comparison }} = 'at_least' and {{ value }} {{ at_least }} {{ limit_value }} then 'meets'
        when {{ comparison }} = 'at_most' and {{ value }} {{ at_most }} {{ limit_value }} then 'meets'
        else 'misses'
    end
{%- endmacro %}
