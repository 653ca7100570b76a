{#-
    Every plausibility limit the contract reads has exactly one row in the seed, and the seed
    names no other: a missing limit would silently check nothing.
-#}
{%- set names = plausibility_limit_names() -%}

with

limits as (

    select limit_name from {{ ref('plausibility_limits') }}

),

expected as (

    {% for name in names %}
    select '{{ name }}' as limit_name
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

missing as (

    select
        expected.limit_name,
        'missing from seed plausibility_limits' as problem
    from expected
    left join limits
        on expected.limit_name = limits.limit_name
    where limits.limit_name is null

),

unknown as (

    select
        limits.limit_name,
        'not a limit the contract reads' as problem
    from limits
    left join expected
        on limits.limit_name = expected.limit_name
    where expected.limit_name is null

),

final as (

    select * from missing
    union all
    select * from unknown

)

select * from final
