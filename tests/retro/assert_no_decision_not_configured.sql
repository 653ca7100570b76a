{#- The retro playbook's rule decision_not_configured (see marts.retro_governance_checks). -#}
select
    check_name,
    subject,
    detail
from {{ ref('retro_governance_checks') }}
where check_name = 'decision_not_configured'
