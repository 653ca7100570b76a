{#-
    Escalation breach per eval_date x ticket intent x region: escalated over copilot-enabled
    agent-solved tickets solved in the current window, against escalation_max (kpi_targets) x
    limit_factor (rollback_rules), for every day with such tickets.
    One row per eval_date x scope from int_governance__signal_evaluations (signal escalation_breach), the one
    place its window, sample guard, completeness and status are computed: status breach | ok |
    insufficient_data | incomplete_data (the current window is not loaded), is_provisional (loaded,
    not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal = 'escalation_breach'

),

final as (

    select
        eval_date,
        intent,
        region,
        observed_value as escalation_rate,
        current_sample as agent_tickets_solved,
        cast(current_value_sum as {{ dbt.type_bigint() }}) as escalated_tickets,
        limit_value as escalation_limit,
        min_sample as min_tickets,
        status,
        is_provisional,
        reason
    from evaluations

)

select * from final
