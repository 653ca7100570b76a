{#-
    Valid prompt calls per logged day: all calls, calls with status ok, and calls with status
    error or timeout: the populations of the error rate and the latency signals.
-#}
with

calls as (

    select * from {{ ref('stg_copilot__prompt_logs') }}

),

aggregated as (

    select
        cast(logged_at as date) as logged_date,
        count(*) as calls,
        sum(case when call_status = 'ok' then 1 else 0 end) as ok_calls,
        sum(case when call_status in ('error', 'timeout') then 1 else 0 end) as error_calls
    from calls
    group by cast(logged_at as date)

)

select * from aggregated
