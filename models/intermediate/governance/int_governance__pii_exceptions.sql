{#-
    The PII exception queue: one row per prompt call x exception, over every call in the data.
    Exceptions: pii_not_redacted (the redactor found PII and did not remove it), a pattern of
    seed pii_patterns found in the (redacted) prompt_text (email_in_prompt, phone_in_prompt,
    payment_card_in_prompt), jailbreak_flagged (the guardrail flagged the call). The prompt text
    itself is not copied here: the queue points at the call, the text stays under its retention.
-#}
with

calls as (

    select * from {{ ref('stg_copilot__prompt_logs') }}

),

patterns as (

    select * from {{ ref('pii_patterns') }}

),

not_redacted as (

    select
        prompt_id,
        'pii_not_redacted' as exception_type
    from calls
    where is_pii_detected and not is_pii_redacted

),

pattern_matches as (

    select
        calls.prompt_id,
        patterns.exception_type
    from calls
    cross join patterns
    where
        calls.prompt_text is not null
        and {{ regex_matches('calls.prompt_text', 'patterns.pattern') }}

),

jailbreaks as (

    select
        prompt_id,
        'jailbreak_flagged' as exception_type
    from calls
    where is_jailbreak_flagged

),

exceptions as (

    select * from not_redacted
    union all
    select * from pattern_matches
    union all
    select * from jailbreaks

),

final as (

    select
        exceptions.prompt_id,
        exceptions.exception_type,
        calls.ticket_id,
        calls.logged_at,
        cast(calls.logged_at as date) as logged_date,
        calls.processing_region,
        calls.model,
        calls.prompt_template_version,
        calls.call_status,
        calls.is_pii_detected,
        calls.is_pii_redacted,
        calls.is_jailbreak_flagged
    from exceptions
    inner join calls
        on exceptions.prompt_id = calls.prompt_id

)

select * from final
