{#-
    Population stability index of each intent's confidence distribution per eval_date x draft
    intent (advisory), beside the intent's mean shift, pooled over regions: PSI = sum over bins of
    (current share - reference share) x ln(current share / reference share), an empty bin's share
    counting as the floor (bins, floor, minimum sample and limit from advisory_signals).
    One row per eval_date x scope from int_governance__signal_evaluations (signal confidence_psi), the one
    place its window, sample guard, completeness and status are computed: status breach | ok |
    insufficient_data | incomplete_data (the current window is not loaded), is_provisional (loaded,
    not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal = 'confidence_psi'

),

signal_config as (

    select bins from {{ ref('int_governance__signal_config') }}
    where signal = 'confidence_psi'

),

final as (

    select
        evaluations.eval_date,
        evaluations.intent,
        evaluations.observed_value as psi,
        evaluations.current_sample as current_drafts,
        evaluations.reference_sample as reference_drafts,
        evaluations.current_mean,
        evaluations.reference_mean,
        evaluations.limit_value as psi_limit,
        evaluations.min_sample as min_drafts,
        signal_config.bins,
        evaluations.status,
        evaluations.is_provisional,
        evaluations.reason,
        abs(evaluations.current_mean - evaluations.reference_mean) as mean_drift
    from evaluations
    cross join signal_config

)

select * from final
