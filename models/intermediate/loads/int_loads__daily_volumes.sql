{#-
    Per raw table and UTC day, the volume as it stands and as the same weekdays stood (metrics.md
    v1.1, loaded data), from the first day of data (or the first pilot's baseline start) to the
    later of the as-of day and the last day of data: with L = latest load - the day's end,
    event_rows counts the keys whose event (raw_contract event_timestamp) falls on the day and that
    were first delivered by the day's end + L; for each of the 4 same weekdays before, the same
    count as it stood at its own day end + L (first delivered by latest load - 7k days); expected_rows
    is the median of those with rows. Classified by int_loads__daily_completeness.
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
    where not is_quarantined_on_its_own

),

{% endfor %}

pilots as (

    select * from {{ ref('pilots') }}

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

raw_bounds as (

    -- event days before 2000 are implausible and do not stretch the calendar
    select
        min(case when event_date >= cast('2000-01-01' as date) then event_date end) as first_event_date,
        max(event_date) as last_event_date
    from raw_keys

),

first_day as (

    select
        bounds.first_pilot_start_date,
        cast(
            {{ dbt.dateadd('day', -6, as_of_date_literal()) }} as date
        ) as as_of_week_start_date,
        raw_bounds.last_event_date,
        bounds.first_baseline_start_date,
        coalesce(raw_bounds.first_event_date, bounds.first_baseline_start_date) as first_event_date
    from bounds
    cross join raw_bounds

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

)

select * from volumes
