{#-
    A baseline keyed by an intent (seed kpi_baselines, intent other than `*`) names the queue the
    intent is routed to (seed intents): pilot_scorecard_by_intent looks it up by queue and intent,
    so a row naming another queue would silently apply to nothing.
-#}
with

baselines as (

    select * from {{ ref('kpi_baselines') }}
    where intent != '*'

),

intents as (

    select * from {{ ref('intents') }}

),

final as (

    select
        baselines.intent,
        baselines.region,
        baselines.metric,
        baselines.queue as configured_queue,
        intents.queue as intent_queue
    from baselines
    inner join intents
        on baselines.intent = intents.intent
    where baselines.queue != intents.queue

)

select * from final
