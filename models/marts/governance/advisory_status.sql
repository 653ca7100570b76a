{#-
    The advisory signals that fire on the as-of day (var as_of_date): one row per signal x scope,
    empty when none fires, with the observed value, the limit, the action (advisory_signals) and
    the one-line message. Read by the advisory tests (tests/advisory/), warn-only unless the seed
    says error (and warn while provisional); nothing depends on it.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where
        signal_kind = 'advisory'
        and eval_date = {{ as_of_date_literal() }}
        and status = 'breach'

),

final as (

    select
        eval_date as as_of_date,
        signal,
        scope_type,
        scope,
        observed_value,
        limit_value,
        action,
        owner_role,
        comparison,
        current_sample as sample_size,
        firing_severity as severity,
        is_provisional,
        {{ firing_message(
            'signal', 'scope', 'eval_date', 'is_provisional', 'observed_value', 'comparison', 'limit_value',
            'reason', 'action', 'owner_role',
        ) }} as message
    from evaluations

)

select * from final
