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

with

volumes as (

    select * from {{ ref('int_loads__daily_volumes') }}

),

completeness_rule as (

    select limit_value as min_volume_ratio
    from {{ ref('int_governance__signal_config') }}
    where signal = 'data_completeness'

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
