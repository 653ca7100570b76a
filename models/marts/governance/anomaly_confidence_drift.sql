{#-
    Confidence drift per eval_date x draft intent x ticket region, for every day with drafts:
    abs(mean confidence of the current window - mean of the reference window), all drafts
    (shown or suppressed) of known tickets. Windows, minimum sample and limit come from
    rollback_rules (confidence_drift). A scope appears on a day when it had drafts in either window.
-#}
with

drafts_daily as (

    select * from {{ ref('int_signals__drafts_daily') }}

),

rule_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'confidence_drift'

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('drafts_daily', 'drafted_date') }}

),

windowed as (

    select
        eval_dates.eval_date,
        drafts_daily.intent,
        drafts_daily.region,
        drafts_daily.drafts,
        drafts_daily.confidence_sum,
        rule_config.current_window_days,
        {{ dbt.datediff('drafts_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            as days_before
    from eval_dates
    cross join rule_config
    inner join drafts_daily
        on
            {{ dbt.datediff('drafts_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            between 0 and rule_config.current_window_days + rule_config.reference_window_days - 1

),

aggregated as (

    select
        eval_date,
        intent,
        region,
        sum(case when days_before < current_window_days then drafts else 0 end) as current_drafts,
        sum(case when days_before < current_window_days then confidence_sum end) as current_confidence_sum,
        sum(case when days_before >= current_window_days then drafts else 0 end) as reference_drafts,
        sum(case when days_before >= current_window_days then confidence_sum end) as reference_confidence_sum
    from windowed
    group by eval_date, intent, region

),

measured as (

    select
        eval_date,
        intent,
        region,
        current_drafts,
        reference_drafts,
        {{ safe_divide('current_confidence_sum', 'current_drafts') }} as current_mean,
        {{ safe_divide('reference_confidence_sum', 'reference_drafts') }} as reference_mean
    from aggregated

),

final as (

    select
        measured.eval_date,
        measured.intent,
        measured.region,
        measured.current_mean,
        measured.reference_mean,
        abs(measured.current_mean - measured.reference_mean) as drift,
        cast(measured.current_drafts as {{ dbt.type_bigint() }}) as current_drafts,
        cast(measured.reference_drafts as {{ dbt.type_bigint() }}) as reference_drafts,
        rule_config.limit_value as drift_limit,
        rule_config.min_sample as min_drafts,
        {{ signal_status(
            'measured.current_drafts >= rule_config.min_sample and measured.reference_drafts >= rule_config.min_sample',
            'abs(measured.current_mean - measured.reference_mean)',
            'rule_config.limit_value',
            'rule_config.comparison',
        ) }} as status
    from measured
    cross join rule_config

)

select * from final
