{#-
    Values that no configuration names yet (queue, intent, region, channel, processing region, model).
    The rows that carry them are valid and used; each value is listed here so someone adds it
    to the matching reference seed: every delivered value (int_loads__delivered_values) that its
    dimension's reference values (int_loads__reference_values) do not name.
-#}
with

delivered_values as (

    select * from {{ ref('int_loads__delivered_values') }}

),

reference_values as (

    select * from {{ ref('int_loads__reference_values') }}

),

final as (

    select
        delivered_values.dimension,
        delivered_values.delivered_value as unmapped_value,
        delivered_values.source_table,
        delivered_values.row_count,
        delivered_values.first_loaded_at,
        delivered_values.last_loaded_at
    from delivered_values
    left join reference_values
        on
            delivered_values.dimension = reference_values.dimension
            and delivered_values.delivered_value = reference_values.reference_value
    where reference_values.reference_value is null

)

select * from final
