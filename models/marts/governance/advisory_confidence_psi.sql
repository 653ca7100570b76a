{#-
    Population stability index of each intent's confidence distribution per eval_date x draft
    intent (advisory), beside the intent's mean shift. Same windows and population as the
    confidence drift (all drafts of known tickets, current vs reference window), pooled over
    regions so the sample is large enough for a 10-bin PSI. Bins,
    empty-bin floor, minimum sample and limit from advisory_signals (confidence_psi):
    PSI = sum over bins of (current share - reference share) x ln(current share / reference share),
    a share below the floor (an empty bin) counting as the floor.
-#}
with

bins_daily as (

    select * from {{ ref('int_signals__confidence_bins_daily') }}

),

drafts_daily as (

    select * from {{ ref('int_signals__drafts_daily') }}

),

signal_config as (

    select * from {{ ref('int_governance__signal_config') }}
    where signal = 'confidence_psi'

),

bin_series as (

    select series.n as bin_index
    from ({{ integer_series(2) }}) as series
    inner join signal_config
        on series.n < signal_config.bins

),

eval_dates as (

    -- every day with data, and the as-of day
    {{ signal_eval_dates('bins_daily', 'drafted_date') }}

),

windowed as (

    select
        eval_dates.eval_date,
        bins_daily.intent,
        bins_daily.bin_index,
        bins_daily.drafts,
        signal_config.current_window_days,
        {{ dbt.datediff('bins_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            as days_before
    from eval_dates
    cross join signal_config
    inner join bins_daily
        on
            {{ dbt.datediff('bins_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            between 0 and signal_config.current_window_days + signal_config.reference_window_days - 1

),

scope_bins as (

    select
        eval_date,
        intent,
        bin_index,
        sum(case when days_before < current_window_days then drafts else 0 end) as current_bin_drafts,
        sum(case when days_before >= current_window_days then drafts else 0 end) as reference_bin_drafts
    from windowed
    group by eval_date, intent, bin_index

),

scope_totals as (

    select
        eval_date,
        intent,
        sum(current_bin_drafts) as current_drafts,
        sum(reference_bin_drafts) as reference_drafts
    from scope_bins
    group by eval_date, intent

),

bin_shares as (

    select
        scope_totals.eval_date,
        scope_totals.intent,
        bin_series.bin_index,
        {{ safe_divide('coalesce(scope_bins.current_bin_drafts, 0)', 'scope_totals.current_drafts') }}
            as current_share,
        {{ safe_divide('coalesce(scope_bins.reference_bin_drafts, 0)', 'scope_totals.reference_drafts') }}
            as reference_share
    from scope_totals
    cross join bin_series
    left join scope_bins
        on
            scope_totals.eval_date = scope_bins.eval_date
            and scope_totals.intent = scope_bins.intent
            and bin_series.bin_index = scope_bins.bin_index

),

floored as (

    select
        bin_shares.eval_date,
        bin_shares.intent,
        case
            when bin_shares.current_share < signal_config.empty_bin_floor then signal_config.empty_bin_floor
            else bin_shares.current_share
        end as current_share,
        case
            when bin_shares.reference_share < signal_config.empty_bin_floor then signal_config.empty_bin_floor
            else bin_shares.reference_share
        end as reference_share
    from bin_shares
    cross join signal_config

),

means_windowed as (

    select
        eval_dates.eval_date,
        drafts_daily.intent,
        drafts_daily.drafts,
        drafts_daily.confidence_sum,
        signal_config.current_window_days,
        {{ dbt.datediff('drafts_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            as days_before
    from eval_dates
    cross join signal_config
    inner join drafts_daily
        on
            {{ dbt.datediff('drafts_daily.drafted_date', 'eval_dates.eval_date', 'day') }}
            between 0 and signal_config.current_window_days + signal_config.reference_window_days - 1

),

means_aggregated as (

    select
        eval_date,
        intent,
        sum(case when days_before < current_window_days then drafts else 0 end) as current_drafts,
        sum(case when days_before < current_window_days then confidence_sum end) as current_confidence_sum,
        sum(case when days_before >= current_window_days then drafts else 0 end) as reference_drafts,
        sum(case when days_before >= current_window_days then confidence_sum end) as reference_confidence_sum
    from means_windowed
    group by eval_date, intent

),

means as (

    select
        eval_date,
        intent,
        {{ safe_divide('current_confidence_sum', 'current_drafts') }} as current_mean,
        {{ safe_divide('reference_confidence_sum', 'reference_drafts') }} as reference_mean
    from means_aggregated

),

psi as (

    select
        eval_date,
        intent,
        sum((current_share - reference_share) * ln(current_share / reference_share)) as psi
    from floored
    group by eval_date, intent

),

final as (

    select
        scope_totals.eval_date,
        scope_totals.intent,
        psi.psi,
        cast(scope_totals.current_drafts as {{ dbt.type_bigint() }}) as current_drafts,
        cast(scope_totals.reference_drafts as {{ dbt.type_bigint() }}) as reference_drafts,
        means.current_mean,
        means.reference_mean,
        abs(means.current_mean - means.reference_mean) as mean_drift,
        signal_config.limit_value as psi_limit,
        signal_config.min_sample as min_drafts,
        signal_config.bins,
        {{ signal_status(
            'scope_totals.current_drafts >= signal_config.min_sample and scope_totals.reference_drafts >= signal_config.min_sample',
            'psi.psi',
            'signal_config.limit_value',
            'signal_config.comparison',
        ) }} as status
    from scope_totals
    cross join signal_config
    inner join psi
        on
            scope_totals.eval_date = psi.eval_date
            and scope_totals.intent = psi.intent
    left join means
        on
            scope_totals.eval_date = means.eval_date
            and scope_totals.intent = means.intent

)

select * from final
