{#-
    One row per pilot x queue x region in scope with the pilot's fixed baseline window and its
    pilot window as evaluated in this run: up to pilot_end_date, or up to the as-of day while the
    pilot runs, and never past the latest day settled for every raw table (metrics.md v1.1: data
    still inside its lateness allowance is provisional, never final). is_as_of_window_loaded: every
    day of the as-of day's current window (data_completeness) is loaded for every raw table.
-#}
with

pilots as (

    select * from {{ ref('pilots') }}

),

scope as (

    select * from {{ ref('pilot_scope') }}

),

completeness as (

    select * from {{ ref('int_loads__daily_completeness') }}

),

completeness_rule as (

    select current_window_days from {{ ref('int_governance__signal_config') }}
    where signal = 'data_completeness'

),

first_unsettled as (

    -- per raw table, the first day up to the as-of day that is not settled
    select
        source_table,
        min(case when not is_settled then load_date end) as first_unsettled_date,
        max(load_date) as last_date
    from completeness
    where load_date <= {{ as_of_date_literal() }}
    group by source_table

),

settled as (

    select
        min(
            case
                when first_unsettled_date is null then last_date
                else cast({{ dbt.dateadd('day', -1, 'first_unsettled_date') }} as date)
            end
        ) as settled_through_date
    from first_unsettled

),

as_of_window as (

    select min(case when completeness.is_loaded then 1 else 0 end) = 1 as is_as_of_window_loaded
    from completeness
    cross join completeness_rule
    where {{ in_current_window('completeness.load_date', as_of_date_literal(), 'completeness_rule') }}

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
                and pilots.pilot_end_date <= {{ as_of_date_literal() }}
                and pilots.pilot_end_date <= settled.settled_through_date
                then pilots.pilot_end_date
            when settled.settled_through_date < {{ as_of_date_literal() }} then settled.settled_through_date
            else {{ as_of_date_literal() }}
        end as pilot_evaluated_end_date,
        settled.settled_through_date,
        coalesce(as_of_window.is_as_of_window_loaded, false) as is_as_of_window_loaded
    from scope
    inner join pilots
        on scope.pilot_id = pilots.pilot_id
    cross join settled
    cross join as_of_window

)

select * from final
