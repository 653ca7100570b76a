{#-
    Proves that nothing is lost between a raw table and its staging model: the latest rows read
    from the raw table (one per key, each null-key row on its own), counted here straight from
    the source, equal the rows staged plus the rows quarantined for that table. Fails with one
    row giving the three counts when they do not add up.
-#}
{% test reconciles_with_source(model, source_name, source_table, key) %}

with

latest_rows_read as (

    select count(distinct {{ key }}) + sum(case when {{ key }} is null then 1 else 0 end) as row_count
    from {{ source(source_name, source_table) }}

),

staged as (

    select count(*) as row_count
    from {{ model }}

),

quarantined as (

    select count(*) as row_count
    from {{ ref('quarantined_rows') }}
    where source_table = '{{ source_table }}'

),

compared as (

    select
        coalesce(latest_rows_read.row_count, 0) as latest_rows_read,
        staged.row_count as rows_staged,
        quarantined.row_count as rows_quarantined
    from latest_rows_read
    cross join staged
    cross join quarantined

)

select * from compared
where latest_rows_read != rows_staged + rows_quarantined

{% endtest %}
