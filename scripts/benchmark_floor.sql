-- The floor of scripts/benchmark.py: the least work a strong SQL engineer would write by hand in
-- DuckDB for the same answers as the project, straight over the raw tables (no quarantine, no
-- incremental state, no tests). scripts/benchmark.py runs it statement by statement on a copy of
-- the generated file and times each; {{residency_policy_csv}} is replaced with the seed's path.
-- Definitions: shared/contract/metrics.md (minor_edit_max 0.20, drift window 72 h against the 72 h
-- before, min_drafts 30, drift limit 0.12). Not the project's rules: a bad row is not quarantined
-- here, only rows without a key or a _loaded_at are left out of the latest delivery.

create schema if not exists floor;

-- (a) The latest delivery per key: latest _loaded_at (tickets: ties by the latest updated_at).
create or replace table floor.tickets as
select *
from raw.zs_ticket_outcomes
where ticket_id is not null and _loaded_at is not null
qualify row_number() over (partition by ticket_id order by _loaded_at desc, updated_at desc) = 1;

create or replace table floor.calls as
select *
from raw.zs_prompt_logs
where prompt_id is not null and _loaded_at is not null
qualify row_number() over (partition by prompt_id order by _loaded_at desc) = 1;

create or replace table floor.drafts as
select *
from raw.zs_draft_confidence
where draft_id is not null and _loaded_at is not null
qualify row_number() over (partition by draft_id order by _loaded_at desc) = 1;

-- (b) pilot_kpis_daily: solved UTC day x queue x region x copilot_enabled; draft metrics over the
-- drafts of the row's tickets.
create or replace table floor.pilot_kpis_daily as
with

drafts_per_ticket as (
    select
        ticket_id,
        count(*) as drafts_written,
        count(*) filter (
            where suggestion_mode in ('auto_suggest', 'human_review')
            and agent_action in ('accepted', 'edited', 'rejected')
        ) as drafts_decided,
        count(*) filter (
            where suggestion_mode in ('auto_suggest', 'human_review')
            and (agent_action = 'accepted' or (agent_action = 'edited' and edit_distance_ratio <= 0.20))
        ) as drafts_accepted
    from floor.drafts
    group by ticket_id
),

solved as (
    select
        t.*,
        t.resolved_by = 'agent' as is_agent,
        coalesce(d.drafts_written, 0) as drafts_written,
        coalesce(d.drafts_decided, 0) as drafts_decided,
        coalesce(d.drafts_accepted, 0) as drafts_accepted
    from floor.tickets as t
    left join drafts_per_ticket as d on t.ticket_id = d.ticket_id
    where t.solved_at is not null
),

counted as (
    select
        cast(solved_at as date) as kpi_date,
        queue,
        region,
        copilot_enabled,
        count(*) as tickets_solved,
        count(*) filter (where is_agent) as agent_tickets_solved,
        avg(handle_time_seconds) filter (where is_agent) as aht_seconds,
        count(*) filter (where satisfaction_rating in ('good', 'bad')) as csat_responses,
        count(*) filter (where satisfaction_rating = 'good') as csat_good,
        count(*) filter (where is_agent and agent_replies <= 1 and reopens = 0) as fcr_tickets,
        count(*) filter (where is_agent and escalated) as escalated_tickets,
        count(*) filter (where resolved_by = 'self_service') as deflected_tickets,
        count(*) filter (where is_agent and reopens > 0) as reopened_tickets,
        sum(drafts_decided) as drafts_decided,
        sum(drafts_accepted) as drafts_accepted,
        count(*) filter (where is_agent and copilot_enabled) as coverage_eligible_tickets,
        count(*) filter (where is_agent and copilot_enabled and drafts_written > 0) as covered_tickets
    from solved
    group by all
)

select
    kpi_date,
    queue,
    region,
    copilot_enabled,
    tickets_solved,
    agent_tickets_solved,
    aht_seconds,
    csat_responses,
    100.0 * csat_good / nullif(csat_responses, 0) as csat_pct,
    fcr_tickets / nullif(agent_tickets_solved, 0) as fcr_rate,
    escalated_tickets / nullif(agent_tickets_solved, 0) as escalation_rate,
    deflected_tickets / nullif(tickets_solved, 0) as deflection_rate,
    reopened_tickets / nullif(agent_tickets_solved, 0) as reopen_rate,
    drafts_decided,
    drafts_accepted / nullif(drafts_decided, 0) as draft_acceptance_rate,
    covered_tickets / nullif(coverage_eligible_tickets, 0) as coverage_rate
from counted;

-- (c) Confidence drift per draft intent x ticket region x day: mean confidence of every draft of a
-- known ticket in the 72 h ending that day (d-2..d) against the 72 h before (d-5..d-3).
create or replace table floor.confidence_drift as
with

daily as (
    select
        d.intent,
        t.region,
        cast(d.drafted_at as date) as draft_date,
        sum(d.confidence_score) as confidence_sum,
        count(*) as drafts
    from floor.drafts as d
    inner join floor.tickets as t on d.ticket_id = t.ticket_id
    group by all
),

windowed as (
    select
        draft_date as eval_date,
        intent,
        region,
        sum(confidence_sum) over current_window as current_sum,
        sum(drafts) over current_window as current_drafts,
        sum(confidence_sum) over reference_window as reference_sum,
        coalesce(sum(drafts) over reference_window, 0) as reference_drafts
    from daily
    window
        current_window as (
            partition by intent, region order by draft_date
            range between interval 2 day preceding and current row
        ),
        reference_window as (
            partition by intent, region order by draft_date
            range between interval 5 day preceding and interval 3 day preceding
        )
)

select
    eval_date,
    intent,
    region,
    current_sum / current_drafts as current_mean,
    reference_sum / nullif(reference_drafts, 0) as reference_mean,
    abs(current_sum / current_drafts - reference_sum / nullif(reference_drafts, 0)) as drift,
    current_drafts,
    reference_drafts,
    case
        when current_drafts < 30 or reference_drafts < 30 then 'insufficient_data'
        when abs(current_sum / current_drafts - reference_sum / reference_drafts) > 0.12 then 'breach'
        else 'ok'
    end as status
from windowed;

-- (d) Residency: every call whose processing_region the policy does not allow for its ticket's
-- region (a region without a policy, or an unknown ticket, is a violation too). A call without a
-- ticket_id or a processing_region says nothing either way.
create or replace table floor.residency_policy as
select
    ticket_region,
    allowed_processing_region
from read_csv('{{residency_policy_csv}}', header = true, all_varchar = true);

create or replace table floor.residency_violations as
select
    c.prompt_id,
    c.ticket_id,
    c.logged_at,
    t.region as ticket_region,
    c.processing_region,
    case
        when t.ticket_id is null then 'unknown_ticket'
        when t.region not in (select p.ticket_region from floor.residency_policy as p) then 'no_policy_for_region'
        else 'region_not_allowed'
    end as reason
from floor.calls as c
left join floor.tickets as t on c.ticket_id = t.ticket_id
where
    c.ticket_id is not null
    and c.processing_region is not null
    and not exists (
        select 1
        from floor.residency_policy as p
        where p.ticket_region = t.region and p.allowed_processing_region = c.processing_region
    );
