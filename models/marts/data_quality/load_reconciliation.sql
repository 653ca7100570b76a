{#-
    Per raw table, the contract's count (raw-sources.md v1.1): every raw row is counted once, as
    rows read = rows staged + latest deliveries quarantined + superseded deliveries + rows
    quarantined on their own. Rows read are counted straight from the raw table; the other four
    from the base (latest delivery) and staging models.
-#}
{%- set tables = raw_tables() -%}

with

{% for table in tables %}
{{ table.source_table }}_read as (

    select count(*) as rows_read
    from {{ source('copilot_raw', table.source_table) }}

),

{{ table.source_table }}_staged as (

    select count(*) as rows_staged
    from {{ ref(table.staged) }}

),

{{ table.source_table }}_base as (

    select
        coalesce(
            {{ count_where('not is_quarantined_on_its_own and failed_rule_count > 0') }}, 0
        ) as latest_deliveries_quarantined,
        coalesce(
            sum(case when not is_quarantined_on_its_own then delivery_count - 1 end), 0
        ) as superseded_deliveries,
        coalesce({{ count_where('is_quarantined_on_its_own') }}, 0) as rows_quarantined_on_own
    from {{ ref(table.base) }}

),

{{ table.source_table }}_counts as (

    select
        '{{ table.source_table }}' as source_table,
        {{ table.source_table }}_read.rows_read,
        {{ table.source_table }}_staged.rows_staged,
        {{ table.source_table }}_base.latest_deliveries_quarantined,
        {{ table.source_table }}_base.superseded_deliveries,
        {{ table.source_table }}_base.rows_quarantined_on_own
    from {{ table.source_table }}_read
    cross join {{ table.source_table }}_staged
    cross join {{ table.source_table }}_base

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
        source_table,
        rows_read,
        rows_staged,
        latest_deliveries_quarantined,
        superseded_deliveries,
        rows_quarantined_on_own,
        latest_deliveries_quarantined + rows_quarantined_on_own as rows_quarantined,
        rows_read
        = rows_staged + latest_deliveries_quarantined + superseded_deliveries + rows_quarantined_on_own as is_reconciled
    from counts

)

select * from final
