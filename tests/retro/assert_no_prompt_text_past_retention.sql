{#- The retro playbook's rule prompt_text_past_retention (see marts.retro_governance_checks). -#}
select
    check_name,
    subject,
    detail
from {{ ref('retro_governance_checks') }}
where check_name = 'prompt_text_past_retention'
