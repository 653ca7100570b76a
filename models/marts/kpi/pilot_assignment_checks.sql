{#-
    Whether each pilot scope's arms were assigned as configured (marts.md v1.1): the sample ratio
    mismatch test. Tickets created in the pilot window as evaluated, in scope (queues, regions,
    channels: int_pilots__scope_tickets), routed to an agent (agent_id present: the copilot is
    offered to agents), both arms; Pearson's chi-square with 1
    degree of freedom against the configured share (seed pilot_scope.expected_pilot_share) and its
    upper tail, P(chi2_1 > x) = 2 Q(sqrt(x)) (Q: normal_upper_tail). has_srm when the p-value is
    below var srm_alpha.
-#}
{%- set srm_alpha = project_var('srm_alpha') -%}

with

windows as (

    select * from {{ ref('int_pilots__windows') }}

),

scope as (

    select * from {{ ref('pilot_scope') }}

),

window_tickets as (

    select * from {{ ref('int_pilots__scope_tickets') }}
    where is_pilot_created and agent_id is not null

),

counted as (

    select
        windows.pilot_id,
        windows.queue,
        windows.region,
        scope.expected_pilot_share,
        {{ count_where('window_tickets.is_copilot_enabled') }} as pilot_tickets,
        {{ count_where('not window_tickets.is_copilot_enabled') }} as control_tickets
    from windows
    inner join scope
        on
            windows.pilot_id = scope.pilot_id
            and windows.queue = scope.queue
            and windows.region = scope.region
    left join window_tickets
        on
            windows.pilot_id = window_tickets.pilot_id
            and windows.queue = window_tickets.queue
            and windows.region = window_tickets.region
    group by windows.pilot_id, windows.queue, windows.region, scope.expected_pilot_share

),

tested as (

    select
        *,
        case
            when pilot_tickets + control_tickets > 0
                then
                    power(pilot_tickets - expected_pilot_share * (pilot_tickets + control_tickets), 2)
                    / (expected_pilot_share * (pilot_tickets + control_tickets))
                    + power(control_tickets - (1 - expected_pilot_share) * (pilot_tickets + control_tickets), 2)
                    / ((1 - expected_pilot_share) * (pilot_tickets + control_tickets))
        end as srm_chi_square
    from counted

),

final as (

    select
        pilot_id,
        queue,
        region,
        cast(coalesce(pilot_tickets, 0) as {{ dbt.type_bigint() }}) as pilot_tickets,
        cast(coalesce(control_tickets, 0) as {{ dbt.type_bigint() }}) as control_tickets,
        cast(expected_pilot_share as {{ type_double() }}) as expected_pilot_share,
        cast(srm_chi_square as {{ type_double() }}) as srm_chi_square,
        cast(2 * {{ normal_upper_tail('sqrt(srm_chi_square)') }} as {{ type_double() }}) as srm_p_value,
        -- null (not applicable) when the scope has no agent-routed ticket yet: no evidence is no pass
        2 * {{ normal_upper_tail('sqrt(srm_chi_square)') }} < {{ srm_alpha }} as has_srm
    from tested

)

select * from final
