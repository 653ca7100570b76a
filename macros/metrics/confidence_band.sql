{#-
    Index k (0..19) of the 0.05-wide confidence band of a score: the largest k with
    score >= k / 20, the comparison evaluated in IEEE double exactly as `score >= 0.85` is for
    a threshold written 0.85 (k / 20 divides two exact integers, which rounds to the same double
    as the decimal literal). floor(score * 20) alone is not safe (the product is rounded), so the
    estimate is corrected by one step either way. A score of 1.00 falls in the top band
    (0.95 to 1.00). Examples: 0.85 -> 17 (band 0.85), 0.8499999 -> 16 (band 0.80), 0.05 -> 1.
    band_lower = k * 5 / 100, band_upper = (k + 1) * 5 / 100 (see confidence_band_bound).
-#}
{% macro confidence_band_index(score) %}
    {%- set estimate = 'floor(cast(' ~ score ~ ' as ' ~ type_double() ~ ') * 20)' -%}
    {%- set as_float = 'cast(' ~ score ~ ' as ' ~ type_double() ~ ')' -%}
    case
        when {{ score }} is null then null
        when {{ as_float }} >= 1 then 19
        when {{ as_float }} >= cast({{ estimate }} + 1 as {{ type_double() }}) / cast(20 as {{ type_double() }})
            then cast({{ estimate }} + 1 as {{ dbt.type_int() }})
        when {{ as_float }} < cast({{ estimate }} as {{ type_double() }}) / cast(20 as {{ type_double() }})
            then cast({{ estimate }} - 1 as {{ dbt.type_int() }})
        else cast({{ estimate }} as {{ dbt.type_int() }})
    end
{%- endmacro %}


{#- A band edge k * 0.05 as the double nearest that decimal (k * 5 / 100, two exact integers divided). -#}
{% macro confidence_band_bound(band_index) %}
    cast(({{ band_index }}) * 5 as {{ type_double() }}) / cast(100 as {{ type_double() }})
{%- endmacro %}
