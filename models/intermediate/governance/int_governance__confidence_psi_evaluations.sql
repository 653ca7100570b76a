{#-
    The confidence_psi evaluations (int_governance__advisory_evaluations, signal confidence_psi),
    one row per eval_date x intent, with what is particular to PSI: the bins it was computed over
    (advisory_signals.bins) and the intent's mean shift between the reference and current windows.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__advisory_evaluations') }}
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
        evaluations.observed_value,
        evaluations.current_sample,
        evaluations.reference_sample,
        evaluations.current_mean,
        evaluations.reference_mean,
        evaluations.limit_value,
        evaluations.min_sample,
        evaluations.status,
        evaluations.is_provisional,
        evaluations.reason,
        signal_config.bins,
        abs(evaluations.current_mean - evaluations.reference_mean) as mean_drift
    from evaluations
    cross join signal_config

)

select * from final
