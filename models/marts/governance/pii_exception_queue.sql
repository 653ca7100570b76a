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

    select * from exceptions

)

select * from final
