{#-
    Each ledger decision with the metric it is meant to move, before and after it took effect
    (issue 11): before = every ticket of the decision's scope in the N days before effective_date,
    after = the copilot arm's tickets in the N days from it (up to the as-of day; N = var
    retro_effect_window_days), from
    pilot_kpis_daily's numerators and denominators. Scope: the intent's queue, else every queue of
    the pilots' scope. Null where the window has no sample (no evidence, no credit).
-#}
{%- set window_days = project_var('retro_effect_window_days') -%}

with

decisions as (

    select * from {{ ref('decision_ledger') }}

),

intents as (

    select * from {{ ref('intents') }}

),

scope as (

    select distinct
        queue,
        region
    from {{ ref('pilot_scope') }}

),

kpis as (

    select * from {{ ref('pilot_kpis_daily') }}

),

decision_scope as (

    select
        decisions.decision_id,
        scope.queue,
        scope.region
    from decisions
    left join intents
        on decisions.intent = intents.intent
    inner join scope
        on intents.queue is null or intents.queue = scope.queue

),

windowed as (

    {#- each metric of the metric registry, from its numerator and denominator columns -#}
    {% for metric in registry_metric_names() %}
    {%- set spec = registry_metric(metric) %}
    {%- set numerator, denominator, scale = spec.numerator, spec.denominator, spec.scale %}
    select
        decisions.decision_id,
        sum(
            case when kpis.kpi_date < decisions.effective_date then kpis.{{ numerator }} end
        ) * {{ scale }} as before_numerator,
        sum(
            case when kpis.kpi_date < decisions.effective_date then kpis.{{ denominator }} end
        ) as before_denominator,
        sum(
            case
                when kpis.kpi_date >= decisions.effective_date and kpis.copilot_enabled
                    then kpis.{{ numerator }}
            end
        ) * {{ scale }} as after_numerator,
        sum(
            case
                when kpis.kpi_date >= decisions.effective_date and kpis.copilot_enabled
                    then kpis.{{ denominator }}
            end
        ) as after_denominator
    from decisions
    inner join decision_scope
        on decisions.decision_id = decision_scope.decision_id
    inner join kpis
        on
            decision_scope.queue = kpis.queue
            and decision_scope.region = kpis.region
            and kpis.kpi_date >= {{ dbt.dateadd('day', -window_days, 'decisions.effective_date') }}
            and kpis.kpi_date < {{ dbt.dateadd('day', window_days, 'decisions.effective_date') }}
            and kpis.kpi_date <= cast('{{ as_of_date() }}' as date)
    where decisions.metric = '{{ metric }}'
    group by decisions.decision_id
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        decisions.decision_id,
        decisions.retro_label,
        decisions.decided_at,
        decisions.subject,
        decisions.intent,
        decisions.decision,
        decisions.change_kind,
        decisions.change,
        decisions.owner_role,
        decisions.approval_step,
        decisions.approver,
        decisions.evidence,
        decisions.metric,
        decisions.effective_date,
        {{ safe_divide('windowed.before_numerator', 'windowed.before_denominator') }} as metric_before,
        cast(windowed.before_denominator as {{ dbt.type_bigint() }}) as before_denominator,
        {{ safe_divide('windowed.after_numerator', 'windowed.after_denominator') }} as metric_after,
        cast(windowed.after_denominator as {{ dbt.type_bigint() }}) as after_denominator,
        {{ safe_divide('windowed.after_numerator', 'windowed.after_denominator') }}
        - {{ safe_divide('windowed.before_numerator', 'windowed.before_denominator') }} as metric_change
    from decisions
    left join windowed
        on decisions.decision_id = windowed.decision_id

)

select * from final
