{#-
    Draft latency p95 per eval day (advisory): the exact continuous 95th percentile of latency_ms
    over calls with status ok logged in the current window (1 day by default, never averaged
    across days), against the SLO in kpi_targets (draft_latency_p95_ms), for every day with calls.
    One row per eval_date x scope from int_governance__advisory_evaluations (signal
    draft_latency_p95), computed in int_governance__signal_evaluations, the one place of its window,
    sample guard, completeness and status: breach | ok | insufficient_data | incomplete_data (the
    current window is not loaded), is_provisional (loaded, not yet settled).
-#}
with

evaluations as (

    select * from {{ ref('int_governance__advisory_evaluations') }}
    where signal = 'draft_latency_p95'

),

final as (

    select
        eval_date,
        observed_value as draft_latency_p95_ms,
        current_sample as ok_calls,
        population_count as calls,
        limit_value as latency_slo_ms,
        min_sample as min_ok_calls,
        status,
        is_provisional,
        reason
    from evaluations

)

select * from final
