{#-
    Rollback gate: fails when rule csat_drop fires on the as-of day (one row per scope);
    severity from rollback_rules.
-#}
{{ config(**gate_test_config()) }}

{{ gate_failures(ref('rollback_status'), 'rule', 'csat_drop') }}
