with

checked as (

    select * from {{ ref('base_copilot__ticket_outcomes') }}
    where failed_rule_count = 0

),

renamed as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(solved_at as {{ dbt.type_timestamp() }}) as solved_at,
        cast(queue as {{ dbt.type_string() }}) as queue,
        cast(intent as {{ dbt.type_string() }}) as intent,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(copilot_enabled as {{ dbt.type_boolean() }}) as is_copilot_enabled,
        cast(resolved_by as {{ dbt.type_string() }}) as resolved_by,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(handle_time_seconds as {{ dbt.type_int() }}) as handle_time_seconds,
        cast(agent_replies as {{ dbt.type_int() }}) as agent_replies,
        cast(reopens as {{ dbt.type_int() }}) as reopens,
        cast(escalated as {{ dbt.type_boolean() }}) as is_escalated,
        cast(satisfaction_rating as {{ dbt.type_string() }}) as satisfaction_rating,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        delivery_count
    from checked

)

select * from renamed
