{#-
    The retro playbook's governance rules as data (issue 11), one row per breach, for the tests in
    tests/retro/ (nothing depends on this relation, so a failing rule skips no mart):
    - threshold_without_approval: a threshold row in force on the as-of day other than the default
      `*` without a ledger decision for its intent with its values, approved through an approval
      step about threshold updates (the playbook's CAB) by that step's owner;
    - decision_not_configured: a decision with a change, decided by the as-of day, not converted to
      configuration within the playbook's training_updates.due_within_hours (the SOP's 72 hours);
    - action_item_incomplete: an action item without an owner, a due date or a success criterion;
    - action_item_overdue: an open item past its due date on the as-of day;
    - prompt_text_past_retention: prompt text kept for calls older than the playbook's
      retention_days, counted back from the as-of day (one row per call day).
-#}
{%- set as_of = "cast('" ~ as_of_date() ~ "' as date)" -%}

with

thresholds as (

    select * from {{ ref('intent_thresholds') }}

),

decisions as (

    select * from {{ ref('decision_ledger') }}

),

steps as (

    select * from {{ ref('approval_steps') }}

),

items as (

    select * from {{ ref('action_items') }}

),

playbook as (

    select * from {{ ref('playbook') }}

),

calls as (

    select * from {{ ref('stg_copilot__prompt_logs') }}
    where prompt_text is not null

),

approved_threshold_decisions as (

    select
        decisions.intent,
        decisions.new_suggest_min_conf,
        decisions.new_review_below_conf
    from decisions
    inner join steps
        on
            decisions.approval_step = steps.step
            and decisions.approver = steps.owner_role
    where
        decisions.change_kind = 'threshold'
        and decisions.approved_at is not null
        and lower(steps.step) like '%threshold%'

),

unapproved_thresholds as (

    select
        'threshold_without_approval' as check_name,
        thresholds.intent as subject,
        'the threshold in force since ' || cast(thresholds.valid_from as {{ dbt.type_string() }})
        || ' has no ledger decision approved through the threshold (CAB) step' as detail
    from thresholds
    left join approved_threshold_decisions
        on
            thresholds.intent = approved_threshold_decisions.intent
            and thresholds.suggest_min_conf = approved_threshold_decisions.new_suggest_min_conf
            and thresholds.review_below_conf = approved_threshold_decisions.new_review_below_conf
    where
        thresholds.intent <> '*'
        and thresholds.valid_from <= {{ as_of }}
        and (thresholds.valid_to is null or thresholds.valid_to > {{ as_of }})
        and approved_threshold_decisions.intent is null

),

late_decisions as (

    select
        'decision_not_configured' as check_name,
        decisions.decision_id as subject,
        'not converted to configuration within ' || cast(playbook.training_due_within_hours as {{ dbt.type_string() }})
        || ' hours of the retro' as detail
    from decisions
    cross join playbook
    where
        decisions.change_kind <> 'none'
        and cast(decisions.decided_at as date) <= {{ as_of }}
        and coalesce(
            decisions.sop_converted_at,
            {{ dbt.dateadd('day', 1, as_of) }}
        ) > {{ dbt.dateadd('hour', 'playbook.training_due_within_hours', 'decisions.decided_at') }}

),

incomplete_items as (

    select
        'action_item_incomplete' as check_name,
        action_id as subject,
        'an action item needs an owner, a due date and a success criterion (metric, comparison, target)'
            as detail
    from items
    where
        owner_role is null or due_date is null or success_metric is null
        or success_comparison is null or success_target is null

),

overdue_items as (

    select
        'action_item_overdue' as check_name,
        action_id as subject,
        'open, due ' || cast(due_date as {{ dbt.type_string() }}) as detail
    from items
    where status = 'open' and due_date < {{ as_of }}

),

retention as (

    select
        'prompt_text_past_retention' as check_name,
        cast(cast(calls.logged_at as date) as {{ dbt.type_string() }}) as subject,
        cast(count(*) as {{ dbt.type_string() }}) || ' calls keep prompt text past the '
        || cast(max(playbook.retention_days) as {{ dbt.type_string() }}) || ' days of retention' as detail
    from calls
    cross join playbook
    where calls.logged_at < {{ dbt.dateadd('day', '-playbook.retention_days', as_of) }}
    group by cast(calls.logged_at as date)

),

final as (

    select * from unapproved_thresholds
    union all
    select * from late_decisions
    union all
    select * from incomplete_items
    union all
    select * from overdue_items
    union all
    select * from retention

)

select * from final
