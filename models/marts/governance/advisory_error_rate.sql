{#-
    Error rate per eval day (advisory): calls with status error or timeout over all calls logged
    in the current window (1 day by default), against the limit in advisory_signals (error_rate).
    One row per eval_date x scope from int_governance__advisory_evaluations (signal error_rate),
    computed in int_governance__signal_evaluations, the one place of its window, sample guard,
    completeness and status: breach | ok | insufficient_data | incomplete_data (the current window
    is not loaded), is_provisional (loaded, not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__advisory_evaluations') }}
    where signal = 'error_rate'

),

final as (

    select
        eval_date,
        observed_value as error_rate,
        cast(current_value_sum as {{ dbt.type_bigint() }}) as error_calls,
        current_sample as calls,
        limit_value as error_rate_limit,
        min_sample as min_calls,
        status,
        is_provisional,
        reason
    from evaluations

)

select * from final
