with

checked as (

    select * from {{ ref('base_copilot__prompt_logs') }}
    where failed_rule_count = 0

),

renamed as (

    select
        cast(prompt_id as {{ dbt.type_string() }}) as prompt_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(draft_id as {{ dbt.type_string() }}) as draft_id,
        cast(logged_at as {{ dbt.type_timestamp() }}) as logged_at,
        cast(processing_region as {{ dbt.type_string() }}) as processing_region,
        cast(model as {{ dbt.type_string() }}) as model,
        cast(prompt_template_version as {{ dbt.type_string() }}) as prompt_template_version,
        cast(input_tokens as {{ dbt.type_int() }}) as input_tokens,
        cast(output_tokens as {{ dbt.type_int() }}) as output_tokens,
        cast(latency_ms as {{ dbt.type_int() }}) as latency_ms,
        cast(status as {{ dbt.type_string() }}) as call_status,
        cast(pii_detected as {{ dbt.type_boolean() }}) as is_pii_detected,
        cast(pii_redacted as {{ dbt.type_boolean() }}) as is_pii_redacted,
        cast(jailbreak_flag as {{ dbt.type_boolean() }}) as is_jailbreak_flagged,
        cast(prompt_text as {{ dbt.type_string() }}) as prompt_text,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
        delivery_count
    from checked

)

select * from renamed
