{#- MetricFlow's daily time spine: one row per UTC day over a fixed span that covers the pilot data.
    dbt.date_spine is dbt's cross-database spine (DuckDB and Snowflake alike); end_date is exclusive. -#}

with days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2020-01-01' as date)",
        end_date="cast('2036-01-01' as date)",
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
