{#-
    A select of the whole numbers 0 .. 10^digits - 1 in a column `n`, built by cross-joining
    a ten-row values list, so it needs no engine-specific generator (Snowflake's GENERATOR needs
    a constant row count; DuckDB's range is DuckDB-only). Filter it with `where n < ...`.
-#}
{% macro integer_series(digits=2) %}
    {%- set parts = [] -%}
    {%- for i in range(digits) -%}
        {%- do parts.append('d' ~ i ~ '.n * ' ~ (10 ** i)) -%}
    {%- endfor -%}
    select {{ parts | join(' + ') }} as n
    from
    {%- for i in range(digits) %}
        (
            select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
            union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
        ) as d{{ i }}{% if not loop.last %} cross join{% endif %}
    {%- endfor %}
{% endmacro %}
