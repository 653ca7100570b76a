{#-
    Ticket and draft KPIs per solved day x queue x region x arm (copilot_enabled), every metric as
    shared/contract/metrics.md defines it: its numerator, denominator, scale and interval from the
    metric registry (dbt_project.yml vars.metric_registry; macros/metrics/metric_registry.sql).
    Draft metrics count the drafts of the tickets in the row (by the ticket's solved day). The contract's columns come first; the numerators, denominators
    and 95% Wilson intervals behind each rate follow.
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}
    where is_solved

),

aggregated as (

    select
        solved_date as kpi_date,
        queue,
        region,
        is_copilot_enabled as copilot_enabled,
        {{ metric_measures_sql() }}
    from tickets
    group by solved_date, queue, region, is_copilot_enabled

),

final as (

    select
        kpi_date,
        queue,
        region,
        copilot_enabled,
        tickets_solved,
        agent_tickets_solved,
        {{ metric_value_sql('aht_seconds') }} as aht_seconds,
        csat_responses,
        {{ metric_value_sql('csat_pct') }} as csat_pct,
        {{ metric_value_sql('fcr_rate') }} as fcr_rate,
        {{ metric_value_sql('escalation_rate') }} as escalation_rate,
        {{ metric_value_sql('deflection_rate') }} as deflection_rate,
        {{ metric_value_sql('reopen_rate') }} as reopen_rate,
        drafts_decided,
        {{ metric_value_sql('draft_acceptance_rate') }} as draft_acceptance_rate,
        {{ metric_value_sql('coverage_rate') }} as coverage_rate,
        aht_tickets,
        handle_time_seconds_total,
        csat_good_responses,
        {{ metric_bound_sql('csat_pct', -1) }} as csat_pct_lower,
        {{ metric_bound_sql('csat_pct', 1) }} as csat_pct_upper,
        fcr_tickets,
        {{ metric_bound_sql('fcr_rate', -1) }} as fcr_rate_lower,
        {{ metric_bound_sql('fcr_rate', 1) }} as fcr_rate_upper,
        escalated_tickets,
        {{ metric_bound_sql('escalation_rate', -1) }} as escalation_rate_lower,
        {{ metric_bound_sql('escalation_rate', 1) }} as escalation_rate_upper,
        deflected_tickets,
        {{ metric_bound_sql('deflection_rate', -1) }} as deflection_rate_lower,
        {{ metric_bound_sql('deflection_rate', 1) }} as deflection_rate_upper,
        reopened_tickets,
        {{ metric_bound_sql('reopen_rate', -1) }} as reopen_rate_lower,
        {{ metric_bound_sql('reopen_rate', 1) }} as reopen_rate_upper,
        drafts_accepted,
        {{ metric_bound_sql('draft_acceptance_rate', -1) }} as draft_acceptance_rate_lower,
        {{ metric_bound_sql('draft_acceptance_rate', 1) }} as draft_acceptance_rate_upper,
        covered_tickets,
        coverage_eligible_tickets,
        {{ metric_bound_sql('coverage_rate', -1) }} as coverage_rate_lower,
        {{ metric_bound_sql('coverage_rate', 1) }} as coverage_rate_upper
    from aggregated

)

select * from final
