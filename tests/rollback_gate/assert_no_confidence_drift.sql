{#-
    Rollback gate: fails when rule confidence_drift fires on the as-of day (one row per
    scope); severity from rollback_rules.
-#}
{{ config(**gate_test_config()) }}

{{ gate_failures(ref('rollback_status'), 'rule', 'confidence_drift') }}
