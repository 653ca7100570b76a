with

checked as (

    select * from {{ ref('base_copilot__draft_confidence') }}
    where failed_rule_count = 0

),

renamed as (

    select
        cast(draft_id as {{ dbt.type_string() }}) as draft_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(prompt_id as {{ dbt.type_string() }}) as prompt_id,
        cast(intent as {{ dbt.type_string() }}) as intent,
        cast(confidence_score as {{ type_double() }}) as confidence_score,
        cast(drafted_at as {{ dbt.type_timestamp() }}) as drafted_at,
        cast(suggestion_mode as {{ dbt.type_string() }}) as suggestion_mode,
        cast(agent_action as {{ dbt.type_string() }}) as agent_action,
        cast(edit_distance_ratio as {{ type_double() }}) as edit_distance_ratio,
        cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        delivery_count
    from checked

)

select * from renamed
