{#-
    Advisory check: warns when signal draft_latency_p95 fires on the as-of day (one row per
    scope); severity from advisory_signals.
-#}
{{ config(**gate_test_config('advisory')) }}

{{ gate_failures(ref('advisory_status'), 'signal', 'draft_latency_p95') }}
