{#-
    Per pilot x queue x region x metric: the frozen baseline, the pilot arm's value over the pilot
    window (copilot-enabled tickets of the pilot's scope only), its delta to the baseline, the
    target and a status, and the concurrent control arm. The evaluation is the macro
    pilot_scorecard_ctes (shared with pilot_scorecard_by_intent), at grain 'queue'.
-#}
with

{{ pilot_scorecard_ctes('queue') }},

final as (

    select
        pilot_id,
        queue,
        region,
        metric,
        baseline_value,
        pilot_value,
        delta,
        delta_pct,
        target_value,
        status,
        numerator,
        denominator,
        pilot_value_lower,
        pilot_value_upper,
        min_sample,
        target_kind,
        target_comparison,
        configured_target_value,
        baseline_source,
        baseline_numerator,
        baseline_denominator,
        baseline_start_date,
        baseline_end_date,
        pilot_start_date,
        pilot_evaluated_end_date as pilot_end_date,
        control_value,
        control_numerator,
        control_denominator,
        control_value_lower,
        control_value_upper,
        diff_vs_control,
        diff_vs_control_lower,
        diff_vs_control_upper
    from evaluated

)

select * from final
