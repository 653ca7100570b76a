{#-
    Every prompt call that breaks the residency policy (seed residency_policy), or whose ticket is
    still pending. The residency check is a safety signal and reads every latest delivery that has
    what it needs (prompt_id, ticket_id, processing_region, logged_at), valid or quarantined for
    another reason (is_call_quarantined), and a call only ever delivered in rows quarantined on their
    own (one of them); a ticket's region comes from its latest delivery, valid or quarantined (a
    quarantined ticket is still known), else from a row of it quarantined on its own. Reasons (metrics.md v1.1):
    - region_not_allowed: the policy does not allow the call's processing_region for the region;
    - no_policy_for_region: the ticket's region has no row in residency_policy;
    - pending_ticket: the ticket is unknown, but the tickets' latest load is before the end of the
      call's day plus the tickets' lateness allowance (overdue_after): it may still arrive;
    - unknown_ticket: the ticket is still unknown once overdue, a violation of the call's day.
-#}
{%- set tickets_contract = raw_contract('zs_ticket_outcomes') -%}

with

call_rows as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        processing_region,
        failed_rule_count > 0 as is_call_quarantined,
        row_number() over (
            partition by prompt_id
            order by
                case when is_quarantined_on_its_own then 1 else 0 end,
                logged_at desc,
                processing_region desc,
                ticket_id desc
        ) as call_rank
    from {{ ref('base_copilot__prompt_logs') }}
    where
        prompt_id is not null
        and ticket_id is not null
        and processing_region is not null
        and logged_at is not null
        -- a row quarantined on its own is checked only when its call has no latest delivery
        and (not is_quarantined_on_its_own or delivery_count = 0)

),

calls as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        processing_region,
        is_call_quarantined
    from call_rows
    where call_rank = 1

),

ticket_rows as (

    select
        ticket_id,
        region,
        failed_rule_count > 0 as is_ticket_quarantined,
        row_number() over (
            partition by ticket_id
            order by case when is_quarantined_on_its_own then 1 else 0 end, region desc
        ) as ticket_rank
    from {{ ref('base_copilot__ticket_outcomes') }}
    where
        ticket_id is not null
        and region is not null
        and (not is_quarantined_on_its_own or delivery_count = 0)

),

tickets as (

    select
        ticket_id,
        region,
        is_ticket_quarantined
    from ticket_rows
    where ticket_rank = 1

),

tickets_load as (

    select max(_loaded_at) as latest_loaded_at
    from {{ ref('base_copilot__ticket_outcomes') }}
    where not is_quarantined_on_its_own

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
        cast(calls.logged_at as date) as logged_date,
        tickets.region as ticket_region,
        calls.processing_region,
        calls.is_call_quarantined,
        coalesce(tickets.is_ticket_quarantined, false) as is_ticket_quarantined,
        tickets.ticket_id is null as is_ticket_unknown,
        policy_regions.ticket_region is null as is_region_without_policy,
        policy.allowed_processing_region is null as is_processing_region_not_allowed,
        {{ dbt.dateadd(
            'hour',
            24 + tickets_contract.lateness_allowance_hours,
            'cast(cast(calls.logged_at as date) as ' ~ dbt.type_timestamp() ~ ')',
        ) }} as ticket_overdue_after,
        tickets_load.latest_loaded_at as tickets_latest_loaded_at
    from calls
    cross join tickets_load
    left join tickets
        on calls.ticket_id = tickets.ticket_id
    left join policy_regions
        on tickets.region = policy_regions.ticket_region
    left join policy
        on
            tickets.region = policy.ticket_region
            and calls.processing_region = policy.allowed_processing_region

),

classified as (

    select
        *,
        case
            when
                is_ticket_unknown
                and coalesce(tickets_latest_loaded_at >= ticket_overdue_after, false)
                then 'unknown_ticket'
            when is_ticket_unknown then 'pending_ticket'
            when is_region_without_policy then 'no_policy_for_region'
            when is_processing_region_not_allowed then 'region_not_allowed'
        end as reason
    from joined

),

final as (

    select
        prompt_id,
        ticket_id,
        logged_at,
        logged_date,
        ticket_region,
        processing_region,
        reason,
        is_call_quarantined,
        is_ticket_quarantined,
        reason <> 'pending_ticket' as is_violation,
        case when is_ticket_unknown then ticket_overdue_after end as overdue_after
    from classified
    where reason is not null

)

select * from final
