{#-
    The threshold in force on the as-of day (var as_of_date) per intent: the intent's own row of
    seed intent_thresholds in force that day, else the default row `*` in force that day.
    One row per intent that has a row of its own or that appears in a draft, plus `*` itself.
-#}
with

thresholds as (

    select * from {{ ref('intent_thresholds') }}

),

drafts as (

    select distinct intent from {{ ref('fct_drafts') }}

),

in_force as (

    select *
    from thresholds
    where
        valid_from <= cast('{{ as_of_date() }}' as date)
        and (valid_to is null or valid_to > cast('{{ as_of_date() }}' as date))

),

intents as (

    select intent from drafts
    union
    select intent from thresholds

),

final as (

    select
        intents.intent,
        coalesce(own.intent, fallback.intent) as threshold_intent,
        coalesce(own.suggest_min_conf, fallback.suggest_min_conf) as suggest_min_conf,
        coalesce(own.review_below_conf, fallback.review_below_conf) as review_below_conf,
        coalesce(own.valid_from, fallback.valid_from) as valid_from,
        cast('{{ as_of_date() }}' as date) as as_of_date
    from intents
    left join in_force as own
        on intents.intent = own.intent
    left join in_force as fallback
        on fallback.intent = '*'

)

select * from final
