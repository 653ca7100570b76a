{#-
    The advisory signals' evaluations: the rows of int_governance__signal_evaluations whose signal
    kind is advisory (seed advisory_signals), one row per eval_date x signal x scope. Read by the
    advisory views (one per signal) and by the as-of day's firings.
-#}
with

evaluations as (

    select * from {{ ref('int_governance__signal_evaluations') }}
    where signal_kind = 'advisory'

)

select * from evaluations
