{#- The retro playbook's rule threshold_without_approval (see marts.retro_governance_checks). -#}
select
    check_name,
    subject,
    detail
from {{ ref('retro_governance_checks') }}
where check_name = 'threshold_without_approval'
