{#-
    The advisory signals that fire on the as-of day (var as_of_date): one row per signal x scope in
    breach, with the observed value, the limit, the action and owner (advisory_signals) and the
    one-line message the advisory tests print. Empty when none fires.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__advisory_evaluations') }}
    where
        eval_date = {{ as_of_date_literal() }}
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
