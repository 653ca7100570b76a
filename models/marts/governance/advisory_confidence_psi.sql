{#-
    Population stability index of each intent's confidence distribution per eval_date x draft
    intent (advisory), beside the intent's mean shift, pooled over regions: PSI = sum over bins of
    (current share - reference share) x ln(current share / reference share), an empty bin's share
    counting as the floor (bins, floor, minimum sample and limit from advisory_signals).
    One row per eval_date x intent from int_governance__confidence_psi_evaluations,
    computed in int_governance__signal_evaluations, the one place of its window, sample guard,
    completeness and status: breach | ok | insufficient_data | incomplete_data (the current window
    is not loaded), is_provisional (loaded, not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__confidence_psi_evaluations') }}

),

final as (

    select
        eval_date,
        intent,
        observed_value as psi,
        current_sample as current_drafts,
        reference_sample as reference_drafts,
        current_mean,
        reference_mean,
        limit_value as psi_limit,
        min_sample as min_drafts,
        bins,
        status,
        is_provisional,
        reason,
        mean_drift
    from evaluations

)

select * from final
