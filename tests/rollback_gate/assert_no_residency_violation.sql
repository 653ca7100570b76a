{#-
    Rollback gate: fails when rule residency_violation fires on the as-of day (one row per
    scope); severity from rollback_rules.
-#}
{{ config(**gate_test_config()) }}

{{ gate_failures(ref('rollback_status'), 'rule', 'residency_violation') }}
