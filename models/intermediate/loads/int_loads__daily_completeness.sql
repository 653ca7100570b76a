{#-
    Loaded and settled data (shared/contract/metrics.md v1.1), per raw table and UTC day, from the
    first day of data (or the first pilot's baseline start) to the as-of day or the last day of
    data, whichever is later:
    - latest load: max(_loaded_at) of the table's deliveries;
    - volume like with like: with L = latest load - end of day d, event_rows counts the keys whose
      event (raw_contract event_timestamp) falls on d and that were first delivered by d's end + L;
      expected_rows is the median of the same count for each of the 4 same weekdays before (each
      with its own day end + L, i.e. first delivered by latest load - 7k days) that had rows;
    - loaded: the latest load is after d's end, rows exist where rows are expected (an earlier
      weekday had rows), and, with at least 2 earlier weekdays with rows, event_rows is at least
      min_volume_ratio (rollback rule data_completeness, limit_value) x expected_rows;
    - settled: loaded, and the latest load is at or after d's end + the table's lateness allowance.
    Prompt logs and drafts have no rows before a pilot starts: before the first pilot start, a day
    without rows expected is not required of them (raw_contract expected_before_pilot).
-#}
{%- set tables = raw_tables() -%}

with

{% for table in tables %}
{%- set contract = raw_contract(table.source_table) %}
{{ table.source_table }}_keys as (

    select
        '{{ table.source_table }}' as source_table,
        cast({{ contract.event_timestamp }} as date) as event_date,
        first_loaded_at,
        _loaded_at
    from {{ ref(table.base) }}
    where {{ contract.key }} is not null

),

{% endfor %}

pilots as (

    select * from {{ ref('pilots') }}

),

completeness_rule as (

    select limit_value as min_volume_ratio
    from {{ ref('int_governance__signal_config') }}
    where signal = 'data_completeness'

),

raw_keys as (

    {% for table in tables %}
    select * from {{ table.source_table }}_keys
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

table_contracts as (

    {% for table in tables %}
    {%- set contract = raw_contract(table.source_table) %}
    select
        '{{ table.source_table }}' as source_table,
        {{ contract.lateness_allowance_hours }} as lateness_allowance_hours,
        {{ 'true' if contract.expected_before_pilot else 'false' }} as is_expected_before_pilot
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

latest_loads as (

    select
        source_table,
        max(_loaded_at) as latest_loaded_at
    from raw_keys
    group by source_table

),

tables_loaded as (

    select
        table_contracts.source_table,
        table_contracts.lateness_allowance_hours,
        table_contracts.is_expected_before_pilot,
        latest_loads.latest_loaded_at
    from table_contracts
    left join latest_loads
        on table_contracts.source_table = latest_loads.source_table

),

bounds as (

    select
        min(pilots.baseline_start_date) as first_baseline_start_date,
        min(pilots.pilot_start_date) as first_pilot_start_date
    from pilots

),

first_day as (

    select
        bounds.first_pilot_start_date,
        cast(
            {{ dbt.dateadd('day', -6, as_of_date_literal()) }} as date
        ) as as_of_week_start_date,
        coalesce(
            (select min(raw_keys.event_date) from raw_keys where raw_keys.event_date >= cast('2000-01-01' as date)),
            bounds.first_baseline_start_date
        ) as first_event_date,
        (select max(raw_keys.event_date) from raw_keys) as last_event_date,
        bounds.first_baseline_start_date
    from bounds

),

spine_start as (

    select
        first_pilot_start_date,
        case
            when last_event_date > {{ as_of_date_literal() }} then last_event_date
            else {{ as_of_date_literal() }}
        end as last_date,
        case
            when first_event_date < as_of_week_start_date then first_event_date
            else as_of_week_start_date
        end as event_start_date,
        case
            when first_baseline_start_date < as_of_week_start_date then first_baseline_start_date
            else as_of_week_start_date
        end as baseline_start_date
    from first_day

),

spine_bounds as (

    select
        first_pilot_start_date,
        last_date,
        case
            when baseline_start_date is not null and baseline_start_date < event_start_date then baseline_start_date
            else event_start_date
        end as first_date
    from spine_start

),

day_spine as (

    select
        cast({{ dbt.dateadd('day', 'series.n', 'spine_bounds.first_date') }} as date) as load_date,
        spine_bounds.first_pilot_start_date
    from ({{ integer_series(4) }}) as series
    cross join spine_bounds
    where series.n <= {{ dbt.datediff('spine_bounds.first_date', 'spine_bounds.last_date', 'day') }}

),

week_offsets as (

    select series.n as weeks_before
    from ({{ integer_series(1) }}) as series
    where series.n <= 4

),

like_with_like as (

    -- weeks_before 0: the day itself; 1-4: the same weekday k weeks before, each counted as it
    -- stood at the same time after its own day end as the latest load stands after day d's end
    select
        raw_keys.source_table,
        week_offsets.weeks_before,
        cast({{ dbt.dateadd('day', '7 * week_offsets.weeks_before', 'raw_keys.event_date') }} as date) as load_date,
        count(*) as key_count
    from raw_keys
    inner join latest_loads
        on raw_keys.source_table = latest_loads.source_table
    cross join week_offsets
    where
        raw_keys.first_loaded_at
        <= {{ dbt.dateadd('day', '-7 * week_offsets.weeks_before', 'latest_loads.latest_loaded_at') }}
    group by
        raw_keys.source_table,
        week_offsets.weeks_before,
        cast({{ dbt.dateadd('day', '7 * week_offsets.weeks_before', 'raw_keys.event_date') }} as date)

),

volumes as (

    select
        day_spine.load_date,
        day_spine.first_pilot_start_date,
        tables_loaded.source_table,
        tables_loaded.lateness_allowance_hours,
        tables_loaded.is_expected_before_pilot,
        tables_loaded.latest_loaded_at,
        coalesce(sum(case when like_with_like.weeks_before = 0 then like_with_like.key_count end), 0)
            as event_rows,
        count(case when like_with_like.weeks_before > 0 then 1 end) as earlier_weekdays_with_rows,
        {{ percentile_cont('case when like_with_like.weeks_before > 0 then like_with_like.key_count end', 0.5) }}
            as expected_rows
    from day_spine
    cross join tables_loaded
    left join like_with_like
        on
            tables_loaded.source_table = like_with_like.source_table
            and day_spine.load_date = like_with_like.load_date
    group by
        day_spine.load_date,
        day_spine.first_pilot_start_date,
        tables_loaded.source_table,
        tables_loaded.lateness_allowance_hours,
        tables_loaded.is_expected_before_pilot,
        tables_loaded.latest_loaded_at

),

day_ends as (

    select
        volumes.*,
        completeness_rule.min_volume_ratio,
        cast({{ dbt.dateadd('day', 1, 'volumes.load_date') }} as {{ dbt.type_timestamp() }}) as day_end_at,
        volumes.earlier_weekdays_with_rows >= 1 as is_expected,
        not volumes.is_expected_before_pilot
        and volumes.load_date < volumes.first_pilot_start_date
        and volumes.earlier_weekdays_with_rows = 0 as is_exempt_before_pilot
    from volumes
    cross join completeness_rule

),

classified as (

    select
        *,
        {{ dbt.dateadd('hour', 'lateness_allowance_hours', 'day_end_at') }} as settles_at,
        case
            when is_exempt_before_pilot then null
            when latest_loaded_at is null or latest_loaded_at <= day_end_at then 'load_not_past_day'
            when is_expected and event_rows = 0 then 'no_rows'
            when
                earlier_weekdays_with_rows >= 2
                and round(event_rows, 9) < round(min_volume_ratio * expected_rows, 9)
                then 'volume_below_ratio'
        end as not_loaded_reason
    from day_ends

),

final as (

    select
        source_table,
        load_date,
        cast(event_rows as {{ dbt.type_bigint() }}) as event_rows,
        cast(expected_rows as {{ type_double() }}) as expected_rows,
        cast(earlier_weekdays_with_rows as {{ dbt.type_int() }}) as earlier_weekdays_with_rows,
        min_volume_ratio,
        latest_loaded_at,
        day_end_at,
        settles_at,
        is_expected,
        is_exempt_before_pilot,
        not_loaded_reason is null as is_loaded,
        coalesce(not_loaded_reason is null and (is_exempt_before_pilot or latest_loaded_at >= settles_at), false)
            as is_settled,
        not_loaded_reason,
        case
            when not_loaded_reason is not null
                then {{ dbt.concat([
                    'source_table', "' '", 'cast(load_date as ' ~ dbt.type_string() ~ ')', "': '",
                    'not_loaded_reason', "' ('",
                    "case when not_loaded_reason = 'load_not_past_day' then "
                    ~ "'latest load ' || coalesce(cast(latest_loaded_at as " ~ dbt.type_string() ~ "), 'none') || ', ' "
                    ~ "else '' end",
                    'cast(event_rows as ' ~ dbt.type_string() ~ ')', "' rows'",
                    "case when expected_rows is not null then ' against ' || cast(round(min_volume_ratio * expected_rows, 1) as "
                    ~ dbt.type_string() ~ ") || ' needed (' || cast(min_volume_ratio as " ~ dbt.type_string()
                    ~ ") || ' x the median of earlier weekdays)' else '' end",
                    "')'",
                ]) }}
        end as not_loaded_detail
    from classified

)

select * from final
