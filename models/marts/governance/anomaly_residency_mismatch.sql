{#-
    One row per prompt call that breaks the residency policy (seed residency_policy), over every
    call in the data. The ticket's region is the region of its latest raw delivery, valid or
    quarantined: a quarantined ticket is still known to the organisation. Reasons:
    - unknown_ticket: no raw delivery of the ticket exists, or its latest has no region;
    - no_policy_for_region: the ticket's region has no row in residency_policy;
    - region_not_allowed: the policy does not allow the call's processing_region for the region.
-#}
with

calls as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        processing_region
    from {{ ref('stg_copilot__prompt_logs') }}

),

tickets as (

    select
        ticket_id,
        region,
        failed_rule_count > 0 as is_quarantined
    from {{ ref('base_copilot__ticket_outcomes') }}
    where ticket_id is not null

),

policy as (

    select * from {{ ref('residency_policy') }}

),

policy_regions as (

    select distinct ticket_region
    from policy

),

joined as (

    select
        calls.prompt_id,
        calls.ticket_id,
        calls.logged_at,
        tickets.region as ticket_region,
        calls.processing_region,
        coalesce(tickets.is_quarantined, false) as is_ticket_quarantined,
        case
            when tickets.region is null then 'unknown_ticket'
            when policy_regions.ticket_region is null then 'no_policy_for_region'
            when policy.allowed_processing_region is null then 'region_not_allowed'
        end as reason
    from calls
    left join tickets
        on calls.ticket_id = tickets.ticket_id
    left join policy_regions
        on tickets.region = policy_regions.ticket_region
    left join policy
        on
            tickets.region = policy.ticket_region
            and calls.processing_region = policy.allowed_processing_region

),

final as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        ticket_region,
        processing_region,
        reason,
        cast(logged_at as date) as logged_date,
        is_ticket_quarantined
    from joined
    where reason is not null

)

select * from final
