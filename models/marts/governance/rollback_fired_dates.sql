{{ config(materialized='view') }}
{#-
    Per rule and scope, the first and last night it fired and how many nights, derived from
    rollback_history (the latest evaluation of each night), so a backfill or a re-run never leaves
    a stale first or last date.
-#}
with

history as (

    select * from {{ ref('rollback_history') }}
    where status = 'fired'

),

final as (

    select
        rule,
        scope_type,
        scope,
        min(as_of_date) as first_fired_date,
        max(as_of_date) as last_fired_date,
        count(*) as nights_fired
    from history
    group by rule, scope_type, scope

)

select * from final
