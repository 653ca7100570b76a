{{
    config(
        materialized='incremental',
        unique_key='link_key',
        incremental_strategy=('merge' if target.type == 'snowflake' else 'delete+insert'),
        on_schema_change='fail',
    )
}}
{#-
    One row per delivered key (a ticket, a draft, a model call: the latest delivery in each base
    model, valid or not) with the ticket family it belongs to: ticket_id, the ticket the latest
    delivery names, and previous_ticket_id, the one it named before that delivery. The
    ticket-family incremental models (macro ticket_families_in_scope) recompute the families whose
    links were delivered since their own last run. Incremental: a run reads the keys the base
    models delivered since its latest linked_at (less incremental_lookback_hours); a key read again
    with the same delivery keeps its previous_ticket_id.
-#}
{%- set lookback_hours = project_var('incremental_lookback_hours') -%}
with

tickets as (

    select
        ticket_id,
        _loaded_at
    from {{ ref('base_copilot__ticket_outcomes') }}
    where not is_quarantined_on_its_own

),

drafts as (

    select
        draft_id,
        ticket_id,
        _loaded_at
    from {{ ref('base_copilot__draft_confidence') }}
    where not is_quarantined_on_its_own

),

calls as (

    select
        prompt_id,
        ticket_id,
        _loaded_at
    from {{ ref('base_copilot__prompt_logs') }}
    where not is_quarantined_on_its_own

),

delivered as (

    select
        {{ dbt.concat(["'ticket:'", 'ticket_id']) }} as link_key,
        'ticket' as link_type,
        ticket_id,
        _loaded_at as linked_at
    from tickets

    union all

    select
        {{ dbt.concat(["'draft:'", 'draft_id']) }} as link_key,
        'draft' as link_type,
        ticket_id,
        _loaded_at as linked_at
    from drafts

    union all

    select
        {{ dbt.concat(["'call:'", 'prompt_id']) }} as link_key,
        'call' as link_type,
        ticket_id,
        _loaded_at as linked_at
    from calls

),

{% if is_incremental() %}
previous as (

    select
        link_key,
        ticket_id,
        previous_ticket_id,
        linked_at
    from {{ this }}

),

watermark as (

    select {{ dbt.dateadd('hour', -lookback_hours, 'max(linked_at)') }} as since_at
    from previous

),

in_scope as (

    select delivered.*
    from delivered
    cross join watermark
    where watermark.since_at is null or delivered.linked_at > watermark.since_at

),

final as (

    select
        in_scope.link_key,
        in_scope.link_type,
        in_scope.ticket_id,
        in_scope.linked_at,
        case
            when previous.linked_at = in_scope.linked_at then previous.previous_ticket_id
            else previous.ticket_id
        end as previous_ticket_id
    from in_scope
    left join previous
        on in_scope.link_key = previous.link_key

)
{% else %}
final as (

    select
        link_key,
        link_type,
        ticket_id,
        linked_at,
        cast(null as {{ dbt.type_string() }}) as previous_ticket_id
    from delivered

)
{% endif %}

select * from final
