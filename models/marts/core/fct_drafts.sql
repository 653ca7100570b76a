{{ ticket_family_model() }}
{#-
    One row per valid draft with the threshold in force when it was written and its funnel stage.
    Threshold: the seed intent_thresholds row of the draft's intent in force at drafted_at
    (valid_from <= drafted_at < valid_to), else the default row `*` in force then.
    Funnel stage (one per draft): suppressed -> shown_undecided -> decided, as accepted_as_is,
    accepted_minor_edit (edited within var minor_edit_max), edited_not_accepted or rejected.
    Confidence band: see macro confidence_band_index (0.05 wide, exact at the edges).
    Incremental by ticket family (macro ticket_families_in_scope): a run recomputes the drafts of
    the families delivered since its latest loaded_at (the draft's); a threshold change in the seed
    needs --full-refresh.
-#}
with

drafts as (

    select * from {{ ref('int_drafts__outcome_flags') }}
    where {{ ticket_family_in_scope() }}

),

tickets as (

    select
        ticket_id,
        solved_date
    from {{ ref('int_tickets__outcome_flags') }}
    where {{ ticket_family_in_scope() }}

),

thresholds as (

    select * from {{ ref('intent_thresholds') }}

),

with_thresholds as (

    select
        drafts.*,
        tickets.solved_date as ticket_solved_date,
        {{ threshold_in_force('intent') }} as threshold_intent,
        {{ threshold_in_force('suggest_min_conf') }} as suggest_min_conf,
        {{ threshold_in_force('review_below_conf') }} as review_below_conf
    from drafts
    left join tickets
        on drafts.ticket_id = tickets.ticket_id
    {{ join_threshold_in_force('thresholds', 'drafts.intent', 'drafts.drafted_at') }}

),

staged as (

    select
        *,
        {{ confidence_band_index('confidence_score') }} as confidence_band_index
    from with_thresholds

),

final as (

    select
        draft_id,
        ticket_id,
        prompt_id,
        intent,
        confidence_score,
        drafted_at,
        drafted_date,
        suggestion_mode,
        agent_action,
        edit_distance_ratio,
        sent_at,
        has_known_ticket,
        ticket_queue,
        ticket_region,
        is_ticket_copilot_enabled,
        ticket_solved_date,
        threshold_intent,
        suggest_min_conf,
        review_below_conf,
        confidence_score >= suggest_min_conf as is_at_or_above_suggest_min,
        case
            when suggest_min_conf is null then null
            when confidence_score < suggest_min_conf then 'suppressed'
            when confidence_score < review_below_conf then 'human_review'
            else 'auto_suggest'
        end as threshold_suggestion_mode,
        {{ confidence_band_bound('confidence_band_index') }} as confidence_band_lower,
        {{ confidence_band_bound('confidence_band_index + 1') }} as confidence_band_upper,
        is_shown,
        is_decided,
        is_accepted,
        case
            when not is_shown then 'suppressed'
            when not is_decided then 'shown_undecided'
            when agent_action = 'accepted' then 'accepted_as_is'
            when is_accepted then 'accepted_minor_edit'
            when agent_action = 'edited' then 'edited_not_accepted'
            else 'rejected'
        end as funnel_stage,
        loaded_at
    from staged

)

select * from final
