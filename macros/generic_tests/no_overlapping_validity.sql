{#-
    Fails with each pair of rows of the same partition whose validity periods overlap.
    Periods are half-open [valid_from, valid_to); a null valid_to means open-ended.
-#}
{% test no_overlapping_validity(model, partition_by, valid_from='valid_from', valid_to='valid_to') %}

    with

    periods as (

        select
            {{ partition_by | join(', ') }},
            {{ valid_from }} as valid_from,
            {{ valid_to }} as valid_to,
            row_number() over (
                order by {{ partition_by | join(', ') }}, {{ valid_from }}
            ) as period_number
        from {{ model }}

    ),

    overlapping_periods as (

        select
            {% for column in partition_by %}earlier.{{ column }},{% endfor %}
            earlier.valid_from as earlier_valid_from,
            earlier.valid_to as earlier_valid_to,
            later.valid_from as later_valid_from,
            later.valid_to as later_valid_to
        from periods as earlier
        inner join periods as later
            on
                earlier.period_number < later.period_number
                {% for column in partition_by %}and earlier.{{ column }} = later.{{ column }}{% endfor %}
                and earlier.valid_from <= later.valid_from
                and (earlier.valid_to is null or earlier.valid_to > later.valid_from)

    )

    select * from overlapping_periods

{% endtest %}
