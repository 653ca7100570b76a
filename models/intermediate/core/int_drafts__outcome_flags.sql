{{ ticket_family_model() }}
{#-
    One row per valid draft with the flags every copilot metric is counted from, and the
    region, queue and arm of its ticket (null when the ticket is unknown to the warehouse).
    Accepted = accepted as-is, or edited with edit_distance_ratio <= var minor_edit_max.
    Incremental by ticket family (macro ticket_families_in_scope): a run recomputes the drafts of
    the families delivered since its latest loaded_at (the draft's), a moved draft's old family too.
-#}
{%- set minor_edit_max = project_var('minor_edit_max') -%}

with

drafts as (

    select * from {{ ref('stg_copilot__draft_confidence') }}
    where {{ ticket_family_in_scope() }}

),

tickets as (

    select
        ticket_id,
        queue,
        region,
        is_copilot_enabled
    from {{ ref('stg_copilot__ticket_outcomes') }}
    where {{ ticket_family_in_scope() }}

),

flagged as (

    select
        drafts.draft_id,
        drafts.ticket_id,
        drafts.prompt_id,
        drafts.intent,
        drafts.confidence_score,
        drafts.drafted_at,
        drafts.suggestion_mode,
        drafts.agent_action,
        drafts.edit_distance_ratio,
        drafts.sent_at,
        drafts.loaded_at,
        tickets.queue as ticket_queue,
        tickets.region as ticket_region,
        tickets.is_copilot_enabled as is_ticket_copilot_enabled,
        cast(drafts.drafted_at as date) as drafted_date,
        tickets.ticket_id is not null as has_known_ticket,
        coalesce(drafts.suggestion_mode in ('auto_suggest', 'human_review'), false) as is_shown,
        coalesce(
            drafts.suggestion_mode in ('auto_suggest', 'human_review')
            and drafts.agent_action in ('accepted', 'edited', 'rejected'),
            false
        ) as is_decided,
        case
            when
                drafts.suggestion_mode in ('auto_suggest', 'human_review')
                and drafts.agent_action in ('accepted', 'edited', 'rejected')
                then
                    drafts.agent_action = 'accepted'
                    or (
                        drafts.agent_action = 'edited'
                        and coalesce(drafts.edit_distance_ratio <= {{ minor_edit_max }}, false)
                    )
        end as is_accepted
    from drafts
    left join tickets
        on drafts.ticket_id = tickets.ticket_id

)

select * from flagged
