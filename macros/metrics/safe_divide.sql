{#-
    numerator / denominator as a floating-point rate, null (not 0) when the denominator is 0 or
    null (shared/contract/metrics.md). Casting first avoids integer or fixed-scale division
    differing between engines.
-#}
{% macro safe_divide(numerator, denominator) %}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}
