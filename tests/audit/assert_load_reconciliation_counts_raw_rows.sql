{#-
    The proof behind audit_load_reconciliation: its rows_read (read from what the base models record)
    equals the raw table's row count, counted here straight from the source, for every raw table.
    A failing row names the table and both counts.
-#}
with

{% for table in raw_tables() %}
{{ table.source_table }}_raw as (

    select
        '{{ table.source_table }}' as source_table,
        count(*) as raw_rows
    from {{ source('copilot_raw', table.source_table) }}

),

{% endfor %}

raw_counts as (

    {% for table in raw_tables() %}
    select
        source_table,
        raw_rows
    from {{ table.source_table }}_raw
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

reconciliation as (

    select * from {{ ref('audit_load_reconciliation') }}

),

final as (

    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        reconciliation.rows_read
    from raw_counts
    left join reconciliation
        on raw_counts.source_table = reconciliation.source_table
    where reconciliation.rows_read is null or reconciliation.rows_read <> raw_counts.raw_rows

)

select * from final
