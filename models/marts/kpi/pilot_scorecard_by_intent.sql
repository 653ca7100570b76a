{#-
    Per pilot x queue x region x intent x metric: the scorecard of each intent of the pilot's
    queues (seed intents), so a baseline the playbook keys by an intent (`AHT_seconds:
    {billing_refund: 610}`) is compared with that intent's tickets, and an intent that moves
    differently from its queue shows. Same evaluation as pilot_scorecard (macro
    pilot_scorecard_ctes, grain 'intent'); unclassified tickets (null intent) count in the queue's
    scorecard only. The go/no-go reads the queue scorecard (the playbook's targets are per queue).
-#}
with

{{ pilot_scorecard_ctes('intent') }},

final as (

    select
        pilot_id,
        queue,
        region,
        intent,
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
        target_comparison,
        baseline_source,
        baseline_denominator,
        control_value,
        control_denominator,
        diff_vs_control,
        diff_vs_control_lower,
        diff_vs_control_upper
    from evaluated

)

select * from final
