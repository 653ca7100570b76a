{#-
    The daily inputs of every governance signal in one shape, so that windows, sample guards and
    verdicts are computed once (int_governance__signal_evaluations). One row per signal x input
    day x scope (x confidence bin for the PSI): population_count (rows of the scope that day: a
    scope appears in an evaluation when it had any), sample_count (what the sample guard counts and
    the rate divides by) and value_sum (what is summed over the window: confidence, good CSAT
    responses, escalations, errors, violations, exceptions).
-#}
with

drafts_daily as (

    select * from {{ ref('int_signals__drafts_daily') }}

),

bins_daily as (

    select * from {{ ref('int_signals__confidence_bins_daily') }}

),

solved_tickets_daily as (

    select * from {{ ref('int_signals__solved_tickets_daily') }}

),

calls_daily as (

    select * from {{ ref('int_signals__calls_daily') }}

),

residency_calls as (

    select * from {{ ref('int_governance__residency_calls') }}

),

pii_exceptions as (

    select * from {{ ref('int_governance__pii_exceptions') }}

),

confidence_drift as (

    select
        'confidence_drift' as signal,
        {{ dbt.concat(['intent', "'/'", 'region']) }} as scope,
        intent,
        region,
        cast(null as {{ dbt.type_string() }}) as queue,
        drafted_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        drafts as population_count,
        drafts as sample_count,
        confidence_sum as value_sum
    from drafts_daily

),

confidence_psi as (

    select
        'confidence_psi' as signal,
        intent as scope,
        intent,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        drafted_date as input_date,
        bin_index,
        sum(drafts) as population_count,
        sum(drafts) as sample_count,
        sum(confidence_sum) as value_sum
    from bins_daily
    group by intent, drafted_date, bin_index

),

csat_drop as (

    select
        'csat_drop' as signal,
        {{ dbt.concat(['queue', "'/'", 'region']) }} as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        region,
        queue,
        solved_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        sum(tickets_solved) as population_count,
        sum(csat_responses) as sample_count,
        sum(csat_good_responses) as value_sum
    from solved_tickets_daily
    group by queue, region, solved_date

),

escalation_breach as (

    select
        'escalation_breach' as signal,
        {{ dbt.concat(['intent', "'/'", 'region']) }} as scope,
        intent,
        region,
        cast(null as {{ dbt.type_string() }}) as queue,
        solved_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        sum(copilot_agent_tickets_solved) as population_count,
        sum(copilot_agent_tickets_solved) as sample_count,
        sum(copilot_agent_tickets_escalated) as value_sum
    from solved_tickets_daily
    -- a ticket without an intent has no scope to act on (int_signals__solved_tickets_daily)
    where intent is not null
    group by intent, region, solved_date
    having sum(copilot_agent_tickets_solved) > 0

),

error_rate as (

    select
        'error_rate' as signal,
        'all' as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        logged_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        calls as population_count,
        calls as sample_count,
        error_calls as value_sum
    from calls_daily

),

draft_latency as (

    -- the percentile itself is computed over the window's calls (never from daily figures)
    select
        'draft_latency_p95' as signal,
        'all' as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        logged_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        calls as population_count,
        ok_calls as sample_count,
        cast(null as {{ type_double() }}) as value_sum
    from calls_daily

),

residency_violation as (

    select
        'residency_violation' as signal,
        coalesce(ticket_region, 'unknown') as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        ticket_region as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        logged_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        count(*) as population_count,
        sum(case when is_violation then 1 else 0 end) as sample_count,
        sum(case when is_violation then 1 else 0 end) as value_sum
    from residency_calls
    group by coalesce(ticket_region, 'unknown'), ticket_region, logged_date

),

pii_exception as (

    select
        'pii_exception' as signal,
        exception_type as scope,
        cast(null as {{ dbt.type_string() }}) as intent,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as queue,
        logged_date as input_date,
        cast(null as {{ dbt.type_int() }}) as bin_index,
        count(*) as population_count,
        count(*) as sample_count,
        count(*) as value_sum
    from pii_exceptions
    group by exception_type, logged_date

),

unioned as (

    select * from confidence_drift
    union all
    select * from confidence_psi
    union all
    select * from csat_drop
    union all
    select * from escalation_breach
    union all
    select * from error_rate
    union all
    select * from draft_latency
    union all
    select * from residency_violation
    union all
    select * from pii_exception

),

final as (

    select
        signal,
        scope,
        intent,
        region,
        queue,
        input_date,
        bin_index,
        cast(population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(sample_count as {{ dbt.type_bigint() }}) as sample_count,
        cast(value_sum as {{ type_double() }}) as value_sum
    from unioned

)

select * from final
