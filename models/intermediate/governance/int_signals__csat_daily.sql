{#-
    Solved tickets per solved day, queue and region (both arms), with their CSAT responses
    (rated good or bad) and good responses: the population of the CSAT drop.
-#}
with

tickets as (

    select * from {{ ref('int_tickets__outcome_flags') }}
    where is_solved

),

aggregated as (

    select
        solved_date,
        queue,
        region,
        count(*) as tickets_solved,
        sum(case when is_csat_response then 1 else 0 end) as csat_responses,
        sum(case when is_csat_good then 1 else 0 end) as csat_good_responses
    from tickets
    group by solved_date, queue, region

)

select * from aggregated
