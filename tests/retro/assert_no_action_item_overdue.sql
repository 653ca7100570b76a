{#- The retro playbook's rule action_item_overdue (see marts.retro_governance_checks). -#}
select
    check_name,
    subject,
    detail
from {{ ref('retro_governance_checks') }}
where check_name = 'action_item_overdue'
