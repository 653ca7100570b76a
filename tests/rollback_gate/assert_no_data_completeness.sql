{#-
    Rollback gate: fails when rule data_completeness fires in this run (one row per raw table whose
    current window is not loaded); severity from rollback_rules.
-#}
{{ config(**gate_test_config()) }}

{{ gate_failures(ref('rollback_status'), 'rule', 'data_completeness') }}
