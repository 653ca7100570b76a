{#-
    The six scorecard metrics per pilot x queue x region x intent x period (intent `*`: the whole
    queue x region; else each classified intent of it), with numerator and denominator,
    over the pilot's scope (int_pilots__scope_tickets: its queues, regions and channels):
    period baseline = all tickets solved in the baseline window; pilot = copilot-enabled tickets
    solved in the pilot window; control = the other tickets solved in the pilot window. Draft
    acceptance counts the drafts of those tickets. For aht_seconds the numerator is the summed
    handle time, the denominator the tickets with one, and value_stddev their sample stddev.
-#}
{%- set metrics = [
    ('aht_seconds', 'handle_time_seconds_total', 'aht_tickets', 1),
    ('csat_pct', 'csat_good_responses', 'csat_responses', 100),
    ('fcr_rate', 'fcr_tickets', 'agent_tickets_solved', 1),
    ('escalation_rate', 'escalated_tickets', 'agent_tickets_solved', 1),
    ('deflection_rate', 'deflected_tickets', 'tickets_solved', 1),
    ('draft_acceptance_rate', 'drafts_accepted', 'drafts_decided', 1),
] -%}
{%- set unpivot = [] -%}
{%- for metric, numerator, denominator, scale in metrics -%}
{%- set value = safe_divide(numerator, denominator) -%}
{%- if metric == 'aht_seconds' -%}
{%- do unpivot.append({
            'metric': metric, 'numerator': numerator, 'denominator': denominator, 'scale': scale, 'value': value,
            'stddev': 'handle_time_seconds_stddev',
            'lower': mean_interval_bound(value, 'handle_time_seconds_stddev', denominator, -1),
            'upper': mean_interval_bound(value, 'handle_time_seconds_stddev', denominator, 1),
        }) -%}
{%- else -%}
{%- do unpivot.append({
            'metric': metric, 'numerator': numerator, 'denominator': denominator, 'scale': scale, 'value': value,
            'stddev': 'cast(null as ' ~ type_double() ~ ')',
            'lower': wilson_lower(numerator, denominator, scale),
            'upper': wilson_upper(numerator, denominator, scale),
        }) -%}
{%- endif -%}
{%- endfor %}

with

scope_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}
    where is_baseline_solved or is_pilot_solved

),

ticket_periods as (

    select
        *,
        case
            when is_baseline_solved then 'baseline'
            when is_copilot_enabled then 'pilot'
            else 'control'
        end as period
    from scope_tickets

),

aggregated as (

    {#- grain '*': the whole queue x region (every ticket, unclassified ones included); grain
        intent: each classified intent of it (pilot_scorecard_by_intent) #}
    {% for grain in ['*', 'intent'] %}
    select
        pilot_id,
        queue,
        region,
        {% if grain == 'intent' %}intent,{% else %}'*' as intent,{% endif %}
        period,
        count(*) as tickets_solved,
        {{ count_where('is_agent_solved') }} as agent_tickets_solved,
        count(agent_handle_time_seconds) as aht_tickets,
        cast(sum(agent_handle_time_seconds) as {{ type_double() }}) as handle_time_seconds_total,
        stddev_samp(agent_handle_time_seconds) as handle_time_seconds_stddev,
        {{ count_where('is_csat_response') }} as csat_responses,
        {{ count_where('is_csat_good') }} as csat_good_responses,
        {{ count_where('is_first_contact_resolution') }} as fcr_tickets,
        {{ count_where('is_escalated') }} as escalated_tickets,
        {{ count_where('is_deflected') }} as deflected_tickets,
        cast(sum(drafts_decided) as {{ dbt.type_bigint() }}) as drafts_decided,
        cast(sum(drafts_accepted) as {{ dbt.type_bigint() }}) as drafts_accepted
    from ticket_periods
    {% if grain == 'intent' %}
    where intent is not null
    group by pilot_id, queue, region, intent, period
    {% else %}
    group by pilot_id, queue, region, period
    {% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unpivoted as (

    {% for m in unpivot %}
    select
        pilot_id,
        queue,
        region,
        intent,
        period,
        '{{ m.metric }}' as metric,
        cast({{ m.numerator }} as {{ type_double() }}) as numerator,
        cast({{ m.denominator }} as {{ dbt.type_bigint() }}) as denominator,
        {{ m.scale }} * {{ m.value }} as metric_value,
        {{ m.stddev }} as value_stddev,
        {{ m.lower }} as value_lower,
        {{ m.upper }} as value_upper
    from aggregated
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

)

select * from unpivoted
