{#-
    Population stability index of the confidence distribution per eval_date x draft intent x
    ticket region (advisory), beside the mean shift of anomaly_confidence_drift. Same windows and
    population as the drift (all drafts of known tickets; current vs reference window). Bins,
    empty-bin floor, minimum sample and limit from advisory_signals (confidence_psi):
    PSI = sum over bins of (current share - reference share) x ln(current share / reference share),
    a share below the floor (an empty bin) counting as the floor.
-#}
with

bins_daily as (

    select * from {{ ref('int_signals__confidence_bins_daily') }}

),

drift as (

    select * from {{ ref('anomaly_confidence_drift') }}

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

    select distinct drafted_date as eval_date
    from bins_daily

),

windowed as (

    select
        eval_dates.eval_date,
        bins_daily.intent,
        bins_daily.region,
        bins_daily.bin_index,
        bins_daily.drafts,
        {{ dbt.datediff('bins_daily.drafted_date', 'eval_dates.eval_date', 'day') }} < signal_config.current_window_days
        as is_current_window
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
        region,
        bin_index,
        sum(case when is_current_window then drafts else 0 end) as current_bin_drafts,
        sum(case when not is_current_window then drafts else 0 end) as reference_bin_drafts
    from windowed
    group by eval_date, intent, region, bin_index

),

scope_totals as (

    select
        eval_date,
        intent,
        region,
        sum(current_bin_drafts) as current_drafts,
        sum(reference_bin_drafts) as reference_drafts
    from scope_bins
    group by eval_date, intent, region

),

bin_shares as (

    select
        scope_totals.eval_date,
        scope_totals.intent,
        scope_totals.region,
        bin_series.bin_index,
        {{ safe_divide('coalesce(scope_bins.current_bin_drafts, 0)', 'scope_totals.current_drafts') }} as current_share,
        {{ safe_divide('coalesce(scope_bins.reference_bin_drafts, 0)', 'scope_totals.reference_drafts') }}
        as reference_share
    from scope_totals
    cross join bin_series
    left join scope_bins
        on
            scope_totals.eval_date = scope_bins.eval_date
            and scope_totals.intent = scope_bins.intent
            and scope_totals.region = scope_bins.region
            and bin_series.bin_index = scope_bins.bin_index

),

floored as (

    select
        bin_shares.eval_date,
        bin_shares.intent,
        bin_shares.region,
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

psi as (

    select
        eval_date,
        intent,
        region,
        sum((current_share - reference_share) * ln(current_share / reference_share)) as psi
    from floored
    group by eval_date, intent, region

),

final as (

    select
        scope_totals.eval_date,
        scope_totals.intent,
        scope_totals.region,
        psi.psi,
        cast(scope_totals.current_drafts as {{ dbt.type_bigint() }}) as current_drafts,
        cast(scope_totals.reference_drafts as {{ dbt.type_bigint() }}) as reference_drafts,
        drift.current_mean,
        drift.reference_mean,
        drift.drift as mean_drift,
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
            and scope_totals.region = psi.region
    left join drift
        on
            scope_totals.eval_date = drift.eval_date
            and scope_totals.intent = drift.intent
            and scope_totals.region = drift.region

)

select * from final
