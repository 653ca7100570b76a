{#-
    Every raw row that breaks a contract rule (latest deliveries, and rows quarantined on their
    own): set aside with its reasons, never used in a metric.
-#}
{%- set tables = raw_tables() -%}

with

{% for table in tables %}
{%- set contract = raw_contract(table.source_table) %}
{{ table.source_table }}_failures as (

    select
        '{{ table.source_table }}' as source_table,
        cast({{ contract.key }} as {{ dbt.type_string() }}) as record_key,
        row_key,
        copy_number,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        failed_rules,
        failed_rule_count,
        is_quarantined_on_its_own,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from {{ ref(table.base) }}
    where failed_rule_count > 0

),

{% endfor %}

unioned as (

    {% for table in tables %}
    select * from {{ table.source_table }}_failures
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_table,
        record_key,
        row_key,
        copy_number,
        ticket_id,
        failed_rules,
        failed_rule_count,
        is_quarantined_on_its_own,
        loaded_at,
        failed_rule_count > 1 as has_multiple_failures
    from unioned

)

select * from final
