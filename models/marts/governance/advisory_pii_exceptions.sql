{#-
    The PII exception queue: one row per prompt call x exception, over every call in the data
    (int_governance__pii_exceptions: pii_not_redacted, a pii_patterns match in the redacted
    prompt text, jailbreak_flagged). The prompt text itself is never copied here.
-#}
with

exceptions as (

    select * from {{ ref('int_governance__pii_exceptions') }}

),

final as (

    select
        prompt_id,
        exception_type,
        ticket_id,
        logged_at,
        logged_date,
        processing_region,
        model,
        prompt_template_version,
        call_status,
        is_pii_detected,
        is_pii_redacted,
        is_jailbreak_flagged
    from exceptions

)

select * from final
