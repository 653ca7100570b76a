{#-
    Ticket and draft KPIs per solved day x queue x region x arm (copilot_enabled), every metric as
    shared/contract/metrics.md defines it. Draft metrics count the drafts of the tickets in the row
    (by the ticket's solved day). The contract's columns come first; the numerators, denominators
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
        count(*) as tickets_solved,
        {{ count_where('is_agent_solved') }} as agent_tickets_solved,
        count(agent_handle_time_seconds) as aht_tickets,
        cast(sum(agent_handle_time_seconds) as {{ dbt.type_bigint() }}) as handle_time_seconds_total,
        {{ count_where('is_csat_response') }} as csat_responses,
        {{ count_where('is_csat_good') }} as csat_good_responses,
        {{ count_where('is_first_contact_resolution') }} as fcr_tickets,
        {{ count_where('is_escalated') }} as escalated_tickets,
        {{ count_where('is_deflected') }} as deflected_tickets,
        {{ count_where('is_reopened') }} as reopened_tickets,
        cast(sum(drafts_decided) as {{ dbt.type_bigint() }}) as drafts_decided,
        cast(sum(drafts_accepted) as {{ dbt.type_bigint() }}) as drafts_accepted,
        {{ count_where('is_covered') }} as covered_tickets,
        {{ count_where('is_coverage_eligible') }} as coverage_eligible_tickets
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
        {{ safe_divide('handle_time_seconds_total', 'aht_tickets') }} as aht_seconds,
        csat_responses,
        100 * {{ safe_divide('csat_good_responses', 'csat_responses') }} as csat_pct,
        {{ safe_divide('fcr_tickets', 'agent_tickets_solved') }} as fcr_rate,
        {{ safe_divide('escalated_tickets', 'agent_tickets_solved') }} as escalation_rate,
        {{ safe_divide('deflected_tickets', 'tickets_solved') }} as deflection_rate,
        {{ safe_divide('reopened_tickets', 'agent_tickets_solved') }} as reopen_rate,
        drafts_decided,
        {{ safe_divide('drafts_accepted', 'drafts_decided') }} as draft_acceptance_rate,
        {{ safe_divide('covered_tickets', 'coverage_eligible_tickets') }} as coverage_rate,
        aht_tickets,
        handle_time_seconds_total,
        csat_good_responses,
        {{ wilson_lower('csat_good_responses', 'csat_responses', 100) }} as csat_pct_lower,
        {{ wilson_upper('csat_good_responses', 'csat_responses', 100) }} as csat_pct_upper,
        fcr_tickets,
        {{ wilson_lower('fcr_tickets', 'agent_tickets_solved') }} as fcr_rate_lower,
        {{ wilson_upper('fcr_tickets', 'agent_tickets_solved') }} as fcr_rate_upper,
        escalated_tickets,
        {{ wilson_lower('escalated_tickets', 'agent_tickets_solved') }} as escalation_rate_lower,
        {{ wilson_upper('escalated_tickets', 'agent_tickets_solved') }} as escalation_rate_upper,
        deflected_tickets,
        {{ wilson_lower('deflected_tickets', 'tickets_solved') }} as deflection_rate_lower,
        {{ wilson_upper('deflected_tickets', 'tickets_solved') }} as deflection_rate_upper,
        reopened_tickets,
        {{ wilson_lower('reopened_tickets', 'agent_tickets_solved') }} as reopen_rate_lower,
        {{ wilson_upper('reopened_tickets', 'agent_tickets_solved') }} as reopen_rate_upper,
        drafts_accepted,
        {{ wilson_lower('drafts_accepted', 'drafts_decided') }} as draft_acceptance_rate_lower,
        {{ wilson_upper('drafts_accepted', 'drafts_decided') }} as draft_acceptance_rate_upper,
        covered_tickets,
        coverage_eligible_tickets,
        {{ wilson_lower('covered_tickets', 'coverage_eligible_tickets') }} as coverage_rate_lower,
        {{ wilson_upper('covered_tickets', 'coverage_eligible_tickets') }} as coverage_rate_upper
    from aggregated

)

select * from final
