{#-
    One row per pilot x queue x region in scope with the pilot's fixed baseline window and its
    pilot window as evaluated in this run: up to pilot_end_date, or up to the as-of day while the
    pilot runs (never past the as-of day).
-#}
with

pilots as (

    select * from {{ ref('pilots') }}

),

scope as (

    select * from {{ ref('pilot_scope') }}

),

final as (

    select
        scope.pilot_id,
        scope.queue,
        scope.region,
        pilots.baseline_start_date,
        pilots.baseline_end_date,
        pilots.pilot_start_date,
        pilots.pilot_end_date,
        case
            when
                pilots.pilot_end_date is not null
                and pilots.pilot_end_date <= cast('{{ as_of_date() }}' as date)
                then pilots.pilot_end_date
            else cast('{{ as_of_date() }}' as date)
        end as pilot_evaluated_end_date
    from scope
    inner join pilots
        on scope.pilot_id = pilots.pilot_id

)

select * from final
