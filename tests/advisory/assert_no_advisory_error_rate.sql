{#-
    Advisory check: warns when signal error_rate fires on the as-of day (one row per scope);
    severity from advisory_signals.
-#}
{{ config(**gate_test_config('advisory')) }}

{{ gate_failures(ref('advisory_status'), 'signal', 'error_rate') }}
