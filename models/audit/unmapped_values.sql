{#-
    Values that no configuration names yet (queue, intent, region, channel, processing region, model).
    The rows that carry them are valid and used; each value is listed here so someone adds it
    to the matching reference seed.
-#}
{%- set checks = [
    {'dimension': 'queue', 'model': 'stg_copilot__ticket_outcomes', 'source_table': 'zs_ticket_outcomes', 'column': 'queue', 'seed': 'queues'},
    {'dimension': 'intent', 'model': 'stg_copilot__ticket_outcomes', 'source_table': 'zs_ticket_outcomes', 'column': 'intent', 'seed': 'intents'},
    {'dimension': 'intent', 'model': 'stg_copilot__draft_confidence', 'source_table': 'zs_draft_confidence', 'column': 'intent', 'seed': 'intents'},
    {'dimension': 'region', 'model': 'stg_copilot__ticket_outcomes', 'source_table': 'zs_ticket_outcomes', 'column': 'region', 'seed': 'regions'},
    {'dimension': 'channel', 'model': 'stg_copilot__ticket_outcomes', 'source_table': 'zs_ticket_outcomes', 'column': 'channel', 'seed': 'channels'},
    {'dimension': 'processing_region', 'model': 'stg_copilot__prompt_logs', 'source_table': 'zs_prompt_logs', 'column': 'processing_region', 'seed': 'processing_regions'},
    {'dimension': 'model', 'model': 'stg_copilot__prompt_logs', 'source_table': 'zs_prompt_logs', 'column': 'model', 'seed': 'llm_models'},
] -%}

with

{% for check in checks %}
unmapped_{{ loop.index }} as (

    select
        '{{ check.dimension }}' as dimension,
        observed.{{ check.column }} as unmapped_value,
        '{{ check.source_table }}' as source_table,
        count(*) as row_count,
        min(observed.loaded_at) as first_loaded_at,
        max(observed.loaded_at) as last_loaded_at
    from {{ ref(check.model) }} as observed
    left join {{ ref(check.seed) }} as known
        on observed.{{ check.column }} = known.{{ check.column }}
    where
        observed.{{ check.column }} is not null
        and known.{{ check.column }} is null
    group by observed.{{ check.column }}

),

{% endfor %}

final as (

    {% for check in checks %}
    select * from unmapped_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
