{#-
    The retro board (issue 11): every action item, open and closed, with its owner, due date,
    success criterion and days overdue on the as-of day; completion rates by retro and by owner. An
    open item past its due date is stalled, and visible to leadership (is_visible_to_leadership).
-#}
with

items as (

    select * from {{ ref('action_items') }}

),

owners as (

    select * from {{ ref('owners') }}

),

dated as (

    select
        items.*,
        owners.owner,
        cast('{{ as_of_date() }}' as date) as as_of_date
    from items
    left join owners
        on items.owner_role = owners.role

),

final as (

    select
        action_id,
        decision_id,
        retro_label,
        title,
        owner_role,
        owner,
        due_date,
        success_metric,
        success_comparison,
        success_target,
        status,
        completed_date,
        as_of_date,
        case
            when status = 'open' and due_date < as_of_date then {{ dbt.datediff('due_date', 'as_of_date', 'day') }}
            when status = 'open' then 0
        end as days_overdue,
        coalesce(status = 'open' and due_date < as_of_date, false) as is_visible_to_leadership,
        {{ safe_divide(
            "sum(case when status = 'done' then 1 else 0 end) over (partition by retro_label)",
            "sum(case when status <> 'dropped' then 1 else 0 end) over (partition by retro_label)",
        ) }} as retro_completion_rate,
        {{ safe_divide(
            "sum(case when status = 'done' then 1 else 0 end) over (partition by owner_role)",
            "sum(case when status <> 'dropped' then 1 else 0 end) over (partition by owner_role)",
        ) }} as owner_completion_rate
    from dated

)

select * from final
