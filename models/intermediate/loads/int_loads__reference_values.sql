{#-
    Every value a reference seed names, one row per dimension x value: what audit_unmapped_values
    compares the delivered values with (queue: seed queues, intent: intents, region: regions,
    channel: channels, processing_region: processing_regions, model: llm_models).
-#}
{%- set references = [
    {'dimension': 'queue', 'seed': 'queues', 'column': 'queue'},
    {'dimension': 'intent', 'seed': 'intents', 'column': 'intent'},
    {'dimension': 'region', 'seed': 'regions', 'column': 'region'},
    {'dimension': 'channel', 'seed': 'channels', 'column': 'channel'},
    {'dimension': 'processing_region', 'seed': 'processing_regions', 'column': 'processing_region'},
    {'dimension': 'model', 'seed': 'llm_models', 'column': 'model'},
] -%}

with

{% for reference in references %}
{{ reference.seed }} as (

    select * from {{ ref(reference.seed) }}

),

{% endfor %}

{% for reference in references %}
{{ reference.dimension }}_values as (

    select distinct
        '{{ reference.dimension }}' as dimension,
        cast({{ reference.column }} as {{ dbt.type_string() }}) as reference_value
    from {{ reference.seed }}
    where {{ reference.column }} is not null

),

{% endfor %}

unioned as (

    {% for reference in references %}
    select * from {{ reference.dimension }}_values
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        dimension,
        reference_value
    from unioned

)

select * from final
