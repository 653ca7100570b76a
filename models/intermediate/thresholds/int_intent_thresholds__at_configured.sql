{#-
    Per draft intent x ticket region, the decided drafts at or above the threshold in force on the
    as-of day (int_intent_thresholds__as_of), and the accepted ones among them: the figures at the
    configured threshold itself, counted exactly from the drafts (it need not be a band edge).
    Drafts whose ticket is unknown have no region and are left out, as in the band view.
-#}
with

drafts as (

    select * from {{ ref('int_drafts__outcome_flags') }}
    where is_decided and has_known_ticket

),

thresholds_as_of as (

    select * from {{ ref('int_intent_thresholds__as_of') }}

),

{%- set at_or_above = 'drafts.confidence_score >= thresholds_as_of.suggest_min_conf' %}

final as (

    select
        drafts.intent,
        drafts.ticket_region as region,
        {{ count_where(at_or_above) }} as configured_drafts_at_or_above,
        {{ count_where(at_or_above ~ ' and drafts.is_accepted') }} as configured_drafts_accepted_at_or_above
    from drafts
    inner join thresholds_as_of
        on drafts.intent = thresholds_as_of.intent
    group by drafts.intent, drafts.ticket_region

)

select * from final
