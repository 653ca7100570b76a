{#-
    The threshold in force at the start of the as-of day (var as_of_date) per intent (macro
    join_threshold_in_force: the intent's own row of seed intent_thresholds, else the row '*').
    One row per intent that has a row of its own or that appears in a draft, plus `*` itself.
-#}
with

thresholds as (

    select * from {{ ref('intent_thresholds') }}

),

drafts as (

    select distinct intent from {{ ref('int_drafts__outcome_flags') }}

),

intents as (

    select intent from drafts
    union
    select intent from thresholds

),

final as (

    select
        intents.intent,
        {{ threshold_in_force('intent') }} as threshold_intent,
        {{ threshold_in_force('suggest_min_conf') }} as suggest_min_conf,
        {{ threshold_in_force('review_below_conf') }} as review_below_conf,
        {{ threshold_in_force('valid_from') }} as valid_from,
        cast('{{ as_of_date() }}' as date) as as_of_date
    from intents
    {{ join_threshold_in_force(
        'thresholds', 'intents.intent', "cast('" ~ as_of_date() ~ "' as " ~ dbt.type_timestamp() ~ ")"
    ) }}

)

select * from final
