{#-
    Every value delivered in a column that a reference seed maps, one row per dimension x raw table
    x value, over the valid rows (each raw table's staged model, the contract's raw_table): how many
    rows carry it and the first and latest loads that carried it. audit_unmapped_values keeps the
    values int_loads__reference_values does not name.
-#}
{%- set mapped_columns = [
    {'dimension': 'queue', 'source_table': 'zs_ticket_outcomes', 'column': 'queue'},
    {'dimension': 'intent', 'source_table': 'zs_ticket_outcomes', 'column': 'intent'},
    {'dimension': 'intent', 'source_table': 'zs_draft_confidence', 'column': 'intent'},
    {'dimension': 'region', 'source_table': 'zs_ticket_outcomes', 'column': 'region'},
    {'dimension': 'channel', 'source_table': 'zs_ticket_outcomes', 'column': 'channel'},
    {'dimension': 'processing_region', 'source_table': 'zs_prompt_logs', 'column': 'processing_region'},
    {'dimension': 'model', 'source_table': 'zs_prompt_logs', 'column': 'model'},
] -%}
{%- set source_tables = mapped_columns | map(attribute='source_table') | unique | list -%}

with

{% for source_table in source_tables %}
{{ source_table }}_staged as (

    select * from {{ ref(raw_table(source_table).staged) }}

),

{% endfor %}

{% for column in mapped_columns %}
{{ column.source_table }}_{{ column.column }} as (

    select
        '{{ column.dimension }}' as dimension,
        '{{ column.source_table }}' as source_table,
        cast({{ column.column }} as {{ dbt.type_string() }}) as delivered_value,
        count(*) as row_count,
        min(loaded_at) as first_loaded_at,
        max(loaded_at) as last_loaded_at
    from {{ column.source_table }}_staged
    where {{ column.column }} is not null
    group by {{ column.column }}

),

{% endfor %}

unioned as (

    {% for column in mapped_columns %}
    select * from {{ column.source_table }}_{{ column.column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        dimension,
        source_table,
        delivered_value,
        row_count,
        first_loaded_at,
        last_loaded_at
    from unioned

)

select * from final
