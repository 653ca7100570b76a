{#-
    The advisory signals that fire on the as-of day (var as_of_date): one row per signal x scope,
    empty when none fires, with the observed value, the limit and the action from
    advisory_signals. Read by the advisory tests (tests/advisory/), warn-only unless the seed
    says error; nothing depends on it.
-#}
with

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal_kind = 'advisory'

),

psi as (

    select * from {{ ref('advisory_confidence_psi') }}
    where eval_date = {{ as_of_date_literal() }} and status = 'breach'

),

latency as (

    select * from {{ ref('advisory_draft_latency') }}
    where eval_date = {{ as_of_date_literal() }} and status = 'breach'

),

error_rate as (

    select * from {{ ref('advisory_error_rate') }}
    where eval_date = {{ as_of_date_literal() }} and status = 'breach'

),

pii_queue as (

    select * from {{ ref('pii_exception_queue') }}

),

pii_windowed as (

    select
        pii_queue.exception_type as scope,
        count(*) as exceptions
    from pii_queue
    inner join signal_config
        on signal_config.signal = 'pii_exception'
    where
        {{ dbt.datediff('pii_queue.logged_date', as_of_date_literal(), 'day') }}
        between 0 and signal_config.current_window_days - 1
    group by pii_queue.exception_type

),

pii_fired as (

    select
        'pii_exception' as signal,
        pii_windowed.scope,
        cast(pii_windowed.exceptions as {{ type_double() }}) as observed_value,
        pii_windowed.exceptions as sample_size
    from pii_windowed
    inner join signal_config
        on signal_config.signal = 'pii_exception'
    where
        {{ signal_status(
            'true',
            'cast(pii_windowed.exceptions as ' ~ type_double() ~ ')',
            'signal_config.limit_value',
            'signal_config.comparison',
        ) }} = 'breach'

),

unioned as (

    select
        'confidence_psi' as signal,
        intent as scope,
        psi as observed_value,
        current_drafts as sample_size
    from psi

    union all

    select
        'draft_latency_p95' as signal,
        'all' as scope,
        draft_latency_p95_ms as observed_value,
        ok_calls as sample_size
    from latency

    union all

    select
        'error_rate' as signal,
        'all' as scope,
        error_rate as observed_value,
        calls as sample_size
    from error_rate

    union all

    select * from pii_fired

),

final as (

    select
        {{ as_of_date_literal() }} as as_of_date,
        unioned.signal,
        signal_config.scope_type,
        unioned.scope,
        unioned.observed_value,
        signal_config.limit_value,
        signal_config.action,
        signal_config.comparison,
        cast(unioned.sample_size as {{ dbt.type_bigint() }}) as sample_size,
        signal_config.severity
    from unioned
    inner join signal_config
        on unioned.signal = signal_config.signal

)

select * from final
