{#-
    The PII exception queue: one row per prompt call x exception. Exceptions: pii_not_redacted
    (the redactor found PII and did not remove it) and jailbreak_flagged (the guardrail flagged the
    call), over every call; a pattern of seed pii_patterns found in the (redacted) prompt_text
    (email_in_prompt, phone_in_prompt, payment_card_in_prompt), over the calls whose text is still
    within its retention on the as-of day (logged on or after as_of_date - the playbook's
    retention_days; older text should be gone, and retro_governance_checks flags any that is not).
    Each pattern is a constant of the scan (macro pii_pattern_rows), one scan per pattern. The
    prompt text itself is not copied here: the queue points at the call.
-#}
-- depends_on: {{ ref('pii_patterns') }}
{%- set patterns = pii_pattern_rows() %}
with

calls as (

    select * from {{ ref('stg_copilot__prompt_logs') }}

),

playbook as (

    select * from {{ ref('playbook') }}

),

calls_in_retention as (

    select
        calls.prompt_id,
        calls.prompt_text
    from calls
    cross join playbook
    where
        calls.prompt_text is not null
        and calls.logged_at >= {{ dbt.dateadd('day', '-playbook.retention_days', as_of_date_literal()) }}

),

not_redacted as (

    select
        prompt_id,
        'pii_not_redacted' as exception_type
    from calls
    where is_pii_detected and not is_pii_redacted

),

pattern_matches as (

    {% for pattern in patterns -%}
    select
        prompt_id,
        {{ sql_string_literal(pattern.exception_type) }} as exception_type
    from calls_in_retention
    where {{ regex_matches('prompt_text', sql_string_literal(pattern.pattern)) }}
    union all
    {% endfor -%}
    select
        prompt_id,
        cast(null as {{ dbt.type_string() }}) as exception_type
    from calls_in_retention
    where false

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
