{#-
    Per raw table, the contract's count (raw-sources.md v1.1): every raw row is counted once, as
    rows read = rows staged + latest deliveries quarantined + superseded deliveries + rows
    quarantined on their own. Every count is read from what the base (latest delivery) model
    records: a latest delivery stands for its key's delivery_count raw rows, a row quarantined on
    its own for itself; rows staged are counted in the staging view. The singular test
    assert_load_reconciliation_counts_raw_rows proves rows_read against the raw tables.
-#}
{%- set tables = raw_tables() -%}

with

{% for table in tables %}
{{ table.source_table }}_staged as (

    select count(*) as rows_staged
    from {{ ref(table.staged) }}

),

{{ table.source_table }}_base as (

    -- counts cast to bigint: the contract's type (a sum is a wider integer on some engines)
    select
        cast(coalesce(
            sum(case when is_quarantined_on_its_own then 1 else delivery_count end), 0
        ) as {{ dbt.type_bigint() }}) as rows_read,
        cast(coalesce(
            {{ count_where('not is_quarantined_on_its_own and failed_rule_count > 0') }}, 0
        ) as {{ dbt.type_bigint() }}) as latest_deliveries_quarantined,
        cast(coalesce(
            sum(case when not is_quarantined_on_its_own then delivery_count - 1 end), 0
        ) as {{ dbt.type_bigint() }}) as superseded_deliveries,
        cast(
            coalesce({{ count_where('is_quarantined_on_its_own') }}, 0) as {{ dbt.type_bigint() }}
        ) as rows_quarantined_on_own
    from {{ ref(table.base) }}

),

{{ table.source_table }}_counts as (

    select
        '{{ table.source_table }}' as source_table,
        {{ table.source_table }}_base.rows_read,
        {{ table.source_table }}_staged.rows_staged,
        {{ table.source_table }}_base.latest_deliveries_quarantined,
        {{ table.source_table }}_base.superseded_deliveries,
        {{ table.source_table }}_base.rows_quarantined_on_own
    from {{ table.source_table }}_base
    cross join {{ table.source_table }}_staged

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
