{#-
    CSAT drop per eval_date x queue x region: rolling CSAT = 100 x good / (good + bad) over
    tickets solved in the current window, against CSAT_min (kpi_targets csat_pct), for every day
    with solved tickets; a scope appears when it had solved tickets in the window.
    One row per eval_date x scope from int_governance__signal_evaluations (signal csat_drop), the one
    place its window, sample guard, completeness and status are computed: status breach | ok |
    insufficient_data | incomplete_data (the current window is not loaded), is_provisional (loaded,
    not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal = 'csat_drop'

),

final as (

    select
        eval_date,
        queue,
        region,
        observed_value as rolling_3d_csat_pct,
        current_sample as csat_responses,
        cast(current_value_sum as {{ dbt.type_bigint() }}) as csat_good_responses,
        population_count as tickets_solved,
        limit_value as csat_min,
        min_sample as min_responses,
        status,
        is_provisional,
        reason
    from evaluations

)

select * from final
