{#-
    The upper tail of the standard normal distribution, Q(z) = P(Z > z), on every engine (DuckDB and
    Snowflake have no error function). Hart's double-precision algorithm as given by West (2005),
    "Better approximations to cumulative normal functions", Wilmott: a rational function of |z| below
    7.07, a continued fraction above, 0 beyond 37; absolute error below 1e-14, far inside the 1e-7
    marts.md v1.1 asks (the tests compare with scipy to 1e-9). `z` is a SQL expression.
-#}
{% macro normal_upper_tail(z) %}
    {%- set a = 'abs(' ~ z ~ ')' -%}
    {%- set numerator = [
        0.0352624965998911, 0.700383064443688, 6.37396220353165, 33.912866078383,
        112.079291497871, 221.213596169931, 220.206867912376,
    ] -%}
    {%- set denominator = [
        0.0883883476483184, 1.75566716318264, 16.064177579207, 86.7807322029461,
        296.564248779674, 637.333633378831, 793.826512519948, 440.413735824752,
    ] -%}
    {%- set ns = namespace(num=numerator[0] | string, den=denominator[0] | string) -%}
    {%- for c in numerator[1:] -%}
        {%- set ns.num = '(' ~ ns.num ~ ') * ' ~ a ~ ' + ' ~ c -%}
    {%- endfor -%}
    {%- for c in denominator[1:] -%}
        {%- set ns.den = '(' ~ ns.den ~ ') * ' ~ a ~ ' + ' ~ c -%}
    {%- endfor -%}
    {%- set lower_tail_of_minus_abs -%}
        case
            when {{ a }} > 37 then 0
            when {{ a }} < 7.07106781186547
                then exp(-{{ a }} * {{ a }} / 2) * ({{ ns.num }}) / ({{ ns.den }})
            else exp(-{{ a }} * {{ a }} / 2)
                / ({{ a }} + 1 / ({{ a }} + 2 / ({{ a }} + 3 / ({{ a }} + 4 / ({{ a }} + 0.65)))))
                / 2.506628274631
        end
    {%- endset -%}
    (case
        when {{ z }} is null then null
        when {{ z }} >= 0 then {{ lower_tail_of_minus_abs }}
        else 1 - {{ lower_tail_of_minus_abs }}
    end)
{%- endmacro %}
