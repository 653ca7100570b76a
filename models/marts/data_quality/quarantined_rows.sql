{#- Every latest raw row that breaks a contract rule: set aside with its reasons, never used in a metric. -#}
{%- set checked_tables = [
    {'model': 'base_copilot__ticket_outcomes', 'source_table': 'zs_ticket_outcomes', 'key': 'ticket_id'},
    {'model': 'base_copilot__prompt_logs', 'source_table': 'zs_prompt_logs', 'key': 'prompt_id'},
    {'model': 'base_copilot__draft_confidence', 'source_table': 'zs_draft_confidence', 'key': 'draft_id'},
] -%}

with

{% for checked in checked_tables %}
{{ checked.source_table }}_failures as (

    select
        '{{ checked.source_table }}' as source_table,
        cast({{ checked.key }} as {{ dbt.type_string() }}) as record_key,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        failed_rules,
        failed_rule_count,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
    from {{ ref(checked.model) }}
    where failed_rule_count > 0

),

{% endfor %}

unioned as (

    {% for checked in checked_tables %}
    select * from {{ checked.source_table }}_failures
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_table,
        record_key,
        ticket_id,
        failed_rules,
        failed_rule_count,
        loaded_at,
        failed_rule_count > 1 as has_multiple_failures
    from unioned

)

select * from final
