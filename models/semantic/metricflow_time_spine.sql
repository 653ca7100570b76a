{#- MetricFlow's daily time spine: one row per UTC day over a fixed span that covers the pilot data.
    This is dbt.date_spine without its warehouse query: dbt.date_spine asks the warehouse for the
    number of days (get_intervals_between), which a compile without a connection (--no-introspect)
    cannot run; the span is fixed, so Jinja counts the days, and dbt's cross-database
    generate_series and dateadd build the rows (DuckDB and Snowflake alike). -#}
{%- set first_day = modules.datetime.date(2020, 1, 1) -%}
{%- set last_day = modules.datetime.date(2035, 12, 31) -%}
{%- set day_count = (last_day - first_day).days + 1 -%}

with day_numbers as (

    {{ dbt.generate_series(day_count) }}

),

final as (

    select
        cast(
            {{ dbt.dateadd('day', 'generated_number - 1', "cast('" ~ first_day.isoformat() ~ "' as date)") }}
            as date
        ) as date_day
    from day_numbers

)

select * from final
