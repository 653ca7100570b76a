-- "Is CSAT still above 80?" -- over the pilot window from pilot_scorecard (status against
-- CSAT_min, 80.0 in seed kpi_targets, with its Wilson interval), and day by day for the pilot arm
-- from pilot_kpis_daily (csat_min taken from the same seed, never written here).
with

csat_min as (

    select target_value as csat_min
    from {{ ref('kpi_targets') }}
    where metric = 'csat_pct'

),

pilot_window as (

    select
        'pilot_window' as grain,
        cast(null as date) as kpi_date,
        queue,
        region,
        pilot_value as csat_pct,
        pilot_value_lower as csat_pct_lower,
        pilot_value_upper as csat_pct_upper,
        denominator as csat_responses,
        target_value as csat_min,
        status
    from {{ ref('pilot_scorecard') }}
    where metric = 'csat_pct'

),

by_day as (

    select
        'day' as grain,
        daily.kpi_date,
        daily.queue,
        daily.region,
        daily.csat_pct,
        daily.csat_pct_lower,
        daily.csat_pct_upper,
        daily.csat_responses,
        csat_min.csat_min,
        case when daily.csat_pct >= csat_min.csat_min then 'meets' else 'misses' end as status
    from {{ ref('pilot_kpis_daily') }} as daily
    cross join csat_min
    where daily.copilot_enabled and daily.csat_responses > 0

),

final as (

    select * from pilot_window
    union all
    select * from by_day

)

select * from final
