{#-
    The advisory signals that fire on the as-of day (var as_of_date): one row per signal x scope,
    empty when none fires (int_governance__advisory_firings). Read by the advisory tests
    (tests/advisory/), warn-only unless the seed says error (and warn while provisional).
-#}
with

firings as (

    select * from {{ ref('int_governance__advisory_firings') }}

),

final as (

    select
        as_of_date,
        signal,
        scope_type,
        scope,
        observed_value,
        limit_value,
        action,
        owner_role,
        comparison,
        sample_size,
        severity,
        is_provisional,
        message
    from firings

)

select * from final
