{#-
    Every governance signal evaluated for every day: eval_date x signal x scope, the one place where
    a window, a sample guard, data completeness and a verdict are computed. Every anomaly view,
    advisory view, rollback_runs (and so rollback_status, rollback_history) and the go/no-go read it.
    - windows: the signal's current_window_days ending on eval_date, and for drift and PSI the
      reference_window_days before it (int_governance__signal_config);
    - sample guard: min_sample of the current (and reference) window's sample_count;
    - completeness (metrics.md v1.1): the current window is loaded / settled when every day of it
      is, for every raw table the signal reads (int_loads__daily_completeness);
    - status: incomplete_data when the current window is not loaded (never ok, never breach), else
      insufficient_data below the sample guard, else breach or ok (signal_status);
    - firing_severity: the configured severity, but warn for a provisional breach (window loaded
      and not settled), except a residency violation of a known ticket (a fact).
    data_completeness itself is evaluated per raw table: it breaches when a day of the current
    window is not loaded, naming the first such day, its reason and its volume against expected.
    Evaluated days: every day whose current window holds inputs of the signal (up to the later of
    the last day of inputs and the as-of day), and the as-of day.
-#}
{%- set signal_tables = {
    'residency_violation': ['zs_prompt_logs', 'zs_ticket_outcomes'],
    'confidence_drift': ['zs_draft_confidence', 'zs_ticket_outcomes'],
    'confidence_psi': ['zs_draft_confidence', 'zs_ticket_outcomes'],
    'escalation_breach': ['zs_ticket_outcomes'],
    'csat_drop': ['zs_ticket_outcomes'],
    'error_rate': ['zs_prompt_logs'],
    'draft_latency_p95': ['zs_prompt_logs'],
    'pii_exception': ['zs_prompt_logs'],
} -%}

with

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}

),

inputs as (

    select * from {{ ref('int_governance__signal_inputs_daily') }}

),

completeness as (

    select * from {{ ref('int_loads__daily_completeness') }}

),

calls as (

    select
        cast(logged_at as date) as logged_date,
        latency_ms
    from {{ ref('stg_copilot__prompt_logs') }}
    where call_status = 'ok'

),

bin_series as (

    select series.n as bin_index
    from ({{ integer_series(2) }}) as series
    inner join signal_config
        on
            signal_config.signal = 'confidence_psi'
            and series.n < signal_config.bins

),

signal_tables as (

    {% for signal, tables in signal_tables.items() %}
    {%- set outer = loop %}
    {%- for table in tables %}
    select
        '{{ signal }}' as signal,
        '{{ table }}' as source_table
    {% if not (outer.last and loop.last) %}union all{% endif %}
    {% endfor %}
    {%- endfor %}

),

window_offsets as (

    select series.n
    from ({{ integer_series(2) }}) as series

),

last_day as (

    -- evaluated days never run past the later of the last day of inputs and the as-of day
    select
        case
            when max(input_date) > {{ as_of_date_literal() }} then max(input_date)
            else {{ as_of_date_literal() }}
        end as last_eval_date
    from inputs

),

eval_dates as (

    -- every day whose current window holds inputs of the signal, and the as-of day
    select distinct
        inputs.signal,
        cast({{ dbt.dateadd('day', 'window_offsets.n', 'inputs.input_date') }} as date) as eval_date
    from inputs
    inner join signal_config
        on inputs.signal = signal_config.signal
    inner join window_offsets
        on signal_config.current_window_days > window_offsets.n
    cross join last_day
    where {{ dbt.dateadd('day', 'window_offsets.n', 'inputs.input_date') }} <= last_day.last_eval_date

    union

    select
        signal,
        {{ as_of_date_literal() }} as eval_date
    from signal_config
    where signal <> 'data_completeness'

),

windowed as (

    select
        eval_dates.eval_date,
        inputs.signal,
        inputs.scope,
        inputs.intent,
        inputs.region,
        inputs.queue,
        inputs.bin_index,
        inputs.population_count,
        inputs.sample_count,
        inputs.value_sum,
        {{ in_current_window('inputs.input_date', 'eval_dates.eval_date', 'signal_config') }} as is_current
    from eval_dates
    inner join signal_config
        on eval_dates.signal = signal_config.signal
    inner join inputs
        on
            eval_dates.signal = inputs.signal
            and {{ in_signal_windows('inputs.input_date', 'eval_dates.eval_date', 'signal_config') }}

),

scope_bins as (

    select
        eval_date,
        signal,
        scope,
        intent,
        region,
        queue,
        bin_index,
        sum(case when is_current then population_count else 0 end) as population_count,
        sum(case when is_current then sample_count else 0 end) as current_sample,
        sum(case when is_current then value_sum end) as current_value_sum,
        sum(case when not is_current then sample_count else 0 end) as reference_sample,
        sum(case when not is_current then value_sum end) as reference_value_sum
    from windowed
    group by eval_date, signal, scope, intent, region, queue, bin_index

),

scopes as (

    select
        eval_date,
        signal,
        scope,
        intent,
        region,
        queue,
        sum(population_count) as population_count,
        sum(current_sample) as current_sample,
        sum(current_value_sum) as current_value_sum,
        sum(reference_sample) as reference_sample,
        sum(reference_value_sum) as reference_value_sum
    from scope_bins
    group by eval_date, signal, scope, intent, region, queue

),

psi_shares as (

    -- confidence_psi: each bin's share of the window's drafts, an empty bin counting as the floor
    select
        scopes.eval_date,
        scopes.scope,
        {{ safe_divide('coalesce(scope_bins.current_sample, 0)', 'scopes.current_sample') }} as current_share,
        {{ safe_divide('coalesce(scope_bins.reference_sample, 0)', 'scopes.reference_sample') }}
            as reference_share
    from scopes
    cross join bin_series
    left join scope_bins
        on
            scopes.eval_date = scope_bins.eval_date
            and scopes.signal = scope_bins.signal
            and scopes.scope = scope_bins.scope
            and bin_series.bin_index = scope_bins.bin_index
    where scopes.signal = 'confidence_psi'

),

psi_floored as (

    select
        psi_shares.eval_date,
        psi_shares.scope,
        case
            when psi_shares.current_share < signal_config.empty_bin_floor then signal_config.empty_bin_floor
            else psi_shares.current_share
        end as current_share,
        case
            when psi_shares.reference_share < signal_config.empty_bin_floor then signal_config.empty_bin_floor
            else psi_shares.reference_share
        end as reference_share
    from psi_shares
    inner join signal_config
        on signal_config.signal = 'confidence_psi'

),

psi as (

    select
        eval_date,
        scope,
        sum((current_share - reference_share) * ln(current_share / reference_share)) as psi
    from psi_floored
    group by eval_date, scope

),

latency as (

    -- draft_latency_p95: the exact percentile over the current window's ok calls
    select
        eval_dates.eval_date,
        {{ percentile_cont('calls.latency_ms', 0.95) }} as draft_latency_p95_ms
    from eval_dates
    inner join signal_config
        on eval_dates.signal = signal_config.signal
    inner join calls
        on {{ in_current_window('calls.logged_date', 'eval_dates.eval_date', 'signal_config') }}
    where eval_dates.signal = 'draft_latency_p95'
    group by eval_dates.eval_date

),

window_completeness as (

    select
        eval_dates.signal,
        eval_dates.eval_date,
        min(case when completeness.is_loaded then 1 else 0 end) = 1 as is_window_loaded,
        min(case when completeness.is_settled then 1 else 0 end) = 1 as is_window_settled,
        min(completeness.not_loaded_detail) as not_loaded_detail
    from eval_dates
    inner join signal_config
        on eval_dates.signal = signal_config.signal
    inner join signal_tables
        on eval_dates.signal = signal_tables.signal
    left join completeness
        on
            signal_tables.source_table = completeness.source_table
            and {{ in_current_window('completeness.load_date', 'eval_dates.eval_date', 'signal_config') }}
    group by eval_dates.signal, eval_dates.eval_date

),

measured as (

    select
        scopes.eval_date,
        scopes.signal,
        scopes.scope,
        scopes.intent,
        scopes.region,
        scopes.queue,
        scopes.population_count,
        scopes.current_sample,
        scopes.reference_sample,
        scopes.current_value_sum,
        scopes.reference_value_sum,
        {{ safe_divide('scopes.current_value_sum', 'scopes.current_sample') }} as current_mean,
        {{ safe_divide('scopes.reference_value_sum', 'scopes.reference_sample') }} as reference_mean,
        case
            when scopes.signal = 'confidence_drift'
                then abs(
                    {{ safe_divide('scopes.current_value_sum', 'scopes.current_sample') }}
                    - {{ safe_divide('scopes.reference_value_sum', 'scopes.reference_sample') }}
                )
            when scopes.signal = 'csat_drop'
                then 100 * {{ safe_divide('scopes.current_value_sum', 'scopes.current_sample') }}
            when scopes.signal in ('escalation_breach', 'error_rate')
                then {{ safe_divide('scopes.current_value_sum', 'scopes.current_sample') }}
            when scopes.signal in ('residency_violation', 'pii_exception')
                then scopes.current_value_sum
            when scopes.signal = 'confidence_psi' then psi.psi
            when scopes.signal = 'draft_latency_p95' then latency.draft_latency_p95_ms
        end as observed_value
    from scopes
    left join psi
        on
            scopes.signal = 'confidence_psi'
            and scopes.eval_date = psi.eval_date
            and scopes.scope = psi.scope
    left join latency
        on
            scopes.signal = 'draft_latency_p95'
            and scopes.eval_date = latency.eval_date

),

signal_rows as (

    select
        measured.eval_date,
        measured.signal,
        measured.scope,
        measured.intent,
        measured.region,
        measured.queue,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(measured.observed_value as {{ type_double() }}) as observed_value,
        signal_config.limit_value,
        measured.population_count,
        measured.current_sample,
        measured.reference_sample,
        measured.current_value_sum,
        measured.reference_value_sum,
        measured.current_mean,
        measured.reference_mean,
        signal_config.min_sample is null
        or (
            measured.current_sample >= signal_config.min_sample
            and (signal_config.reference_window_days is null or measured.reference_sample >= signal_config.min_sample)
        ) as has_min_sample,
        coalesce(window_completeness.is_window_loaded, false) as is_window_loaded,
        coalesce(window_completeness.is_window_settled, false) as is_window_settled,
        window_completeness.not_loaded_detail
    from measured
    inner join signal_config
        on measured.signal = signal_config.signal
    left join window_completeness
        on
            measured.signal = window_completeness.signal
            and measured.eval_date = window_completeness.eval_date

),

table_windows as (

    -- data_completeness: per raw table and evaluated day, the days of the current window
    select
        eval_days.load_date as eval_date,
        window_days.source_table,
        window_days.load_date,
        window_days.is_loaded,
        window_days.is_settled,
        window_days.not_loaded_reason,
        window_days.event_rows,
        window_days.expected_rows,
        window_days.min_volume_ratio,
        window_days.not_loaded_detail
    from completeness as eval_days
    inner join signal_config
        on signal_config.signal = 'data_completeness'
    inner join completeness as window_days
        on
            eval_days.source_table = window_days.source_table
            and {{ in_current_window('window_days.load_date', 'eval_days.load_date', 'signal_config') }}

),

first_unloaded_days as (

    select
        eval_date,
        source_table,
        min(case when not is_loaded then load_date end) as first_unloaded_date,
        min(case when is_loaded then 1 else 0 end) = 1 as is_window_loaded,
        min(case when is_settled then 1 else 0 end) = 1 as is_window_settled,
        sum(event_rows) as window_event_rows
    from table_windows
    group by eval_date, source_table

),

completeness_rows as (

    select
        first_unloaded_days.eval_date,
        'data_completeness' as signal,
        first_unloaded_days.source_table as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        first_unloaded_days.source_table,
        cast(first_unloaded.event_rows as {{ type_double() }}) as observed_value,
        first_unloaded.min_volume_ratio * first_unloaded.expected_rows as limit_value,
        first_unloaded_days.window_event_rows as population_count,
        first_unloaded_days.window_event_rows as current_sample,
        cast(null as {{ dbt.type_bigint() }}) as reference_sample,
        cast(null as {{ type_double() }}) as current_value_sum,
        cast(null as {{ type_double() }}) as reference_value_sum,
        cast(null as {{ type_double() }}) as current_mean,
        cast(null as {{ type_double() }}) as reference_mean,
        true as has_min_sample,
        first_unloaded_days.is_window_loaded,
        first_unloaded_days.is_window_settled,
        first_unloaded.not_loaded_detail
    from first_unloaded_days
    left join table_windows as first_unloaded
        on
            first_unloaded_days.eval_date = first_unloaded.eval_date
            and first_unloaded_days.source_table = first_unloaded.source_table
            and first_unloaded_days.first_unloaded_date = first_unloaded.load_date

),

unioned as (

    select * from signal_rows
    union all
    select * from completeness_rows

),

evaluated as (

    select
        unioned.*,
        case
            when unioned.signal = 'data_completeness'
                then case when unioned.is_window_loaded then 'ok' else 'breach' end
            when not unioned.is_window_loaded then 'incomplete_data'
            else {{ signal_status(
                'unioned.has_min_sample', 'unioned.observed_value', 'unioned.limit_value', 'signal_config.comparison',
            ) }}
        end as status,
        -- data_completeness judges the load as it stands tonight: never provisional
        unioned.signal <> 'data_completeness'
        and unioned.is_window_loaded
        and not unioned.is_window_settled as is_provisional
    from unioned
    inner join signal_config
        on unioned.signal = signal_config.signal

),

final as (

    select
        evaluated.eval_date,
        evaluated.signal,
        signal_config.signal_kind,
        signal_config.scope_type,
        evaluated.scope,
        evaluated.intent,
        evaluated.region,
        evaluated.queue,
        evaluated.source_table,
        evaluated.status,
        evaluated.is_provisional,
        evaluated.is_window_loaded,
        evaluated.is_window_settled,
        evaluated.observed_value,
        evaluated.limit_value,
        signal_config.comparison,
        cast(evaluated.population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(evaluated.current_sample as {{ dbt.type_bigint() }}) as current_sample,
        cast(evaluated.reference_sample as {{ dbt.type_bigint() }}) as reference_sample,
        cast(evaluated.current_value_sum as {{ type_double() }}) as current_value_sum,
        cast(evaluated.reference_value_sum as {{ type_double() }}) as reference_value_sum,
        evaluated.current_mean,
        evaluated.reference_mean,
        signal_config.min_sample,
        evaluated.has_min_sample,
        case
            when evaluated.status = 'incomplete_data'
                then {{ dbt.concat(["'window not loaded: '", 'evaluated.not_loaded_detail']) }}
            when evaluated.signal = 'data_completeness' and evaluated.status = 'breach'
                then evaluated.not_loaded_detail
            when evaluated.status = 'insufficient_data' then 'below the minimum sample'
        end as reason,
        signal_config.severity,
        case
            when
                evaluated.status = 'breach'
                and evaluated.is_provisional
                and not (evaluated.signal = 'residency_violation' and evaluated.scope <> 'unknown')
                then 'warn'
            else signal_config.severity
        end as firing_severity,
        signal_config.action,
        signal_config.owner_role,
        cast(
            {{ dbt.dateadd('day', '1 - signal_config.current_window_days', 'evaluated.eval_date') }} as date
        ) as window_start_date
    from evaluated
    inner join signal_config
        on evaluated.signal = signal_config.signal

)

select * from final
