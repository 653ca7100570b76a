{#- Per raw table: rows delivered, superseded re-deliveries, latest rows, and where each latest row went. -#}
{%- set tables = raw_tables() -%}

with

quarantined as (

    select
        source_table,
        count(*) as rows_quarantined
    from {{ ref('quarantined_rows') }}
    group by source_table

),

{% for table in tables %}
{{ table.source_table }}_counts as (

    select
        '{{ table.source_table }}' as source_table,
        (select count(*) from {{ source('copilot_raw', table.source_table) }}) as rows_delivered,
        (select count(*) from {{ ref(table.base) }}) as latest_rows_read,
        (select count(*) from {{ ref(table.staged) }}) as rows_staged

),

{% endfor %}

counts as (

    {% for table in tables %}
    select * from {{ table.source_table }}_counts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        counts.source_table,
        counts.rows_delivered,
        counts.latest_rows_read,
        counts.rows_staged,
        counts.rows_delivered - counts.latest_rows_read as superseded_deliveries,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined,
        counts.latest_rows_read = counts.rows_staged + coalesce(quarantined.rows_quarantined, 0) as is_reconciled
    from counts
    left join quarantined
        on counts.source_table = quarantined.source_table

)

select * from final
