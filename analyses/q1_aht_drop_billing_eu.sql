-- "Did AHT drop 10% in billing in the EU?" -- from pilot_scorecard alone.
-- delta_pct is (pilot - baseline) / baseline; the target is delta_pct <= -0.10 (target_value is
-- the AHT that meets it); status says meets / misses / insufficient_data; baseline_source says
-- whether the baseline is the playbook's (configured) or computed from the baseline window.
-- diff_vs_control(_lower/_upper) compares with the concurrent control arm.
select
    pilot_id,
    queue,
    region,
    baseline_value as baseline_aht_seconds,
    baseline_source,
    pilot_value as pilot_aht_seconds,
    delta_pct,
    target_value as target_aht_seconds,
    status,
    denominator as tickets_with_handle_time,
    control_value as control_aht_seconds,
    diff_vs_control,
    diff_vs_control_lower,
    diff_vs_control_upper
from {{ ref('pilot_scorecard') }}
where
    metric = 'aht_seconds'
    and queue = 'billing'
    and region = 'EU'
