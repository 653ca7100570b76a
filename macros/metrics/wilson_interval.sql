{#-
    95% Wilson score interval of a proportion successes / trials (z = var wilson_z, default 1.96):
        centre = (p + z^2 / 2n) / (1 + z^2 / n)
        half   = z * sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)
    lower = centre - half, upper = centre + half (always within [0, 1]); null when trials is 0 or null.
    scale multiplies the bounds (100 for CSAT, a percentage).
-#}
{% macro wilson_lower(successes, trials, scale=1) %}
    {{- _wilson_bound(successes, trials, -1, scale) -}}
{% endmacro %}


{% macro wilson_upper(successes, trials, scale=1) %}
    {{- _wilson_bound(successes, trials, 1, scale) -}}
{% endmacro %}


{% macro _wilson_bound(successes, trials, sign, scale) %}
    {%- set z = project_var('wilson_z') -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set p = 'cast(' ~ successes ~ ' as ' ~ type_double() ~ ') / ' ~ n -%}
    {%- set bound -%}
        (
            ({{ p }}) + {{ z * z }} / (2 * {{ n }})
            {{ '+' if sign > 0 else '-' }} {{ z }} * sqrt(
                ({{ p }}) * (1 - ({{ p }})) / {{ n }} + {{ z * z }} / (4 * {{ n }} * {{ n }})
            )
        ) / (1 + {{ z * z }} / {{ n }})
    {%- endset -%}
    {#- At p = 0 (lower) and p = 1 (upper) the bound is exactly 0 / 1; rounding must not leave [0, 1]. -#}
    case
        when coalesce({{ trials }}, 0) = 0 then null
        {% if sign > 0 -%}
            when {{ successes }} >= {{ trials }} then cast({{ scale }} as {{ type_double() }})
        {% else -%}
            when {{ successes }} <= 0 then cast(0 as {{ type_double() }})
        {% endif -%}
        when {{ bound }} < 0 then cast(0 as {{ type_double() }})
        when {{ bound }} > 1 then cast({{ scale }} as {{ type_double() }})
        else {{ scale }} * {{ bound }}
    end
{%- endmacro %}


{#-
    Interval of the difference of two independent proportions p1 - p2 from their Wilson
    intervals (Newcombe 1998, method 10, the "hybrid score" interval):
        lower = (p1 - p2) - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        upper = (p1 - p2) + sqrt((u1 - p1)^2 + (p2 - l2)^2)
    All arguments are SQL expressions on the same scale; null when any is null.
-#}
{% macro newcombe_diff_lower(p1, l1, u1, p2, l2, u2) %}
    ({{ p1 }}) - ({{ p2 }}) - sqrt(
        (({{ p1 }}) - ({{ l1 }})) * (({{ p1 }}) - ({{ l1 }})) + (({{ u2 }}) - ({{ p2 }})) * (({{ u2 }}) - ({{ p2 }}))
    )
{%- endmacro %}


{% macro newcombe_diff_upper(p1, l1, u1, p2, l2, u2) %}
    ({{ p1 }}) - ({{ p2 }}) + sqrt(
        (({{ u1 }}) - ({{ p1 }})) * (({{ u1 }}) - ({{ p1 }})) + (({{ p2 }}) - ({{ l2 }})) * (({{ p2 }}) - ({{ l2 }}))
    )
{%- endmacro %}


{#-
    Normal-approximation bound of a mean (mean +/- z * stddev / sqrt(n)); null when n < 2.
-#}
{% macro mean_interval_bound(mean, stddev, n, sign) %}
    {%- set z = project_var('wilson_z') -%}
    case
        when coalesce({{ n }}, 0) < 2 then null
        else
            ({{ mean }}) {{ '+' if sign > 0 else '-' }} {{ z }} * ({{ stddev }})
            / sqrt(cast({{ n }} as {{ type_double() }}))
    end
{%- endmacro %}


{#-
    Welch (unpooled normal) bound of a difference of two means m1 - m2:
    (m1 - m2) +/- z * sqrt(s1^2 / n1 + s2^2 / n2); null when either n < 2.
-#}
{% macro mean_diff_interval_bound(m1, s1, n1, m2, s2, n2, sign) %}
    {%- set z = project_var('wilson_z') -%}
    case
        when coalesce({{ n1 }}, 0) < 2 or coalesce({{ n2 }}, 0) < 2 then null
        else ({{ m1 }}) - ({{ m2 }}) {{ '+' if sign > 0 else '-' }} {{ z }} * sqrt(
            ({{ s1 }}) * ({{ s1 }}) / cast({{ n1 }} as {{ type_double() }})
            + ({{ s2 }}) * ({{ s2 }}) / cast({{ n2 }} as {{ type_double() }})
        )
    end
{%- endmacro %}
