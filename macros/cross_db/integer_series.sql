{#-
    A select of the whole numbers 0 .. 10^digits - 1 in a column `n`, built by cross-joining
    a ten-row values list, so it needs no engine-specific generator (Snowflake's GENERATOR needs
    a constant row count; DuckDB's range is DuckDB-only). Filter it with `where n < ...`.
-#}
{% macro integer_series(digits=2) %}
    {%- set parts = [] -%}
    {%- set tables = [] -%}
    {%- for i in range(digits) -%}
        {%- do parts.append('d' ~ i ~ '.n * ' ~ (10 ** i)) -%}
        {%- do tables.append('digits as d' ~ i) -%}
    {%- endfor %}
    with

    digits as (

        select ten.n
        from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as ten (n)

    )

    select {{ parts | join(' + ') }} as n
    from {{ tables | join(' cross join ') }}
{% endmacro %}
