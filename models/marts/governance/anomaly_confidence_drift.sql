{#-
    Confidence drift per eval_date x draft intent x ticket region, for every day with drafts:
    abs(mean confidence of the current window - mean of the reference window), all drafts (shown
    or suppressed) of known tickets; windows, minimum sample and limit from rollback_rules.
    One row per eval_date x scope from int_governance__signal_evaluations (signal confidence_drift), the one
    place its window, sample guard, completeness and status are computed: status breach | ok |
    insufficient_data | incomplete_data (the current window is not loaded), is_provisional (loaded,
    not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal = 'confidence_drift'

),

final as (

    select
        eval_date,
        intent,
        region,
        current_mean,
        reference_mean,
        observed_value as drift,
        current_sample as current_drafts,
        reference_sample as reference_drafts,
        limit_value as drift_limit,
        min_sample as min_drafts,
        status,
        is_provisional,
        reason
    from evaluations

)

select * from final
