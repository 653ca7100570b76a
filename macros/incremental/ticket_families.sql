{#-
    Ticket-family incremental models (issue 10): a ticket, its drafts and its model calls are one
    family, keyed by ticket_id. Each run of such a model recomputes the families whose deliveries
    changed since its own latest row, read from int_tickets__family_links: the ticket a re-delivered
    key belongs to now, and the one it belonged to before (a draft or call moved to another ticket
    changes both). A model that uses these macros has `-- depends_on: ref('int_tickets__family_links')`
    in its SQL (dbt does not see a ref inside is_incremental() when it parses).
-#}

{#- The ticket_ids this run recomputes: every family with a link delivered after the model's
    latest loaded_at less incremental_lookback_hours; every family when the model is empty. -#}
{% macro ticket_families_in_scope(loaded_at_column='loaded_at') %}
    {%- set lookback_hours = project_var('incremental_lookback_hours') -%}
    {%- set since_at = dbt.dateadd('hour', -lookback_hours, 'max(' ~ loaded_at_column ~ ')') -%}
    {%- set links = ref('int_tickets__family_links') -%}
    {#- a null watermark (the model is empty) keeps every link -#}
    select links.ticket_id
    from {{ links }} as links
    where coalesce(links.linked_at > (select {{ since_at }} from {{ this }}), true)
    union
    select links.previous_ticket_id as ticket_id
    from {{ links }} as links
    where
        links.previous_ticket_id is not null
        and coalesce(links.linked_at > (select {{ since_at }} from {{ this }}), true)
{% endmacro %}

{#- The condition keeping the rows of the families in scope: on an incremental run, the family's
    ticket_id is in ticket_families_in_scope; on a full build, true (every row). -#}
{% macro ticket_family_in_scope(ticket_id_column='ticket_id', loaded_at_column='loaded_at') %}
    {%- if is_incremental() -%}
        {{ ticket_id_column }} in ({{ ticket_families_in_scope(loaded_at_column) }})
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}

{#- The pre-hook of a family model: on an incremental run, delete the rows of the families in
    scope, so a family that lost a row (a draft moved away, a ticket re-delivered invalid) loses
    it here too; the run inserts the families again as they are now. -#}
{% macro delete_ticket_families_in_scope(ticket_id_column='ticket_id', loaded_at_column='loaded_at') %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ ticket_family_in_scope(ticket_id_column, loaded_at_column) }}
    {%- endif -%}
{% endmacro %}

{#- The configuration of a ticket-family incremental model, called first in its SQL: replaced by
    family (delete+insert on ticket_id, on every adapter: a family is several rows, which MERGE
    cannot replace as a set), the families in scope deleted first, a schema change refused. -#}
{% macro ticket_family_model() %}
    {{ config(
        materialized='incremental',
        unique_key='ticket_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_ticket_families_in_scope() }}",
    ) }}
    -- depends_on: {{ ref('int_tickets__family_links') }}
{% endmacro %}
