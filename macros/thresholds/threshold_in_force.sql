{#-
    The one definition of "the threshold in force": for an intent at a time, the intent's own row
    of seed intent_thresholds valid then (valid_from <= at < valid_to, valid_to null = open), else
    the default row '*' valid then. join_threshold_in_force writes the two left joins (aliases
    own_threshold and default_threshold); threshold_in_force(column) reads a column of the row
    that applies.
-#}
{% macro join_threshold_in_force(thresholds, intent, at) -%}
    {{ threshold_row_join(thresholds, 'own_threshold', intent, at) }}
    {{ threshold_row_join(thresholds, 'default_threshold', "'*'", at) }}
{%- endmacro %}

{#- One of those joins: the row of thresholds, as alias, of intent_match valid at at. -#}
{% macro threshold_row_join(thresholds, alias, intent_match, at) -%}
    left join {{ thresholds }} as {{ alias }} on {{ threshold_row_valid(alias, intent_match, at) }}
{%- endmacro %}

{#- The join condition: the row of alias is intent_match's and valid at at (valid_to null = open). -#}
{% macro threshold_row_valid(alias, intent_match, at) -%}
    {{ alias }}.intent = {{ intent_match }}
    and {{ at }} >= cast({{ alias }}.valid_from as {{ dbt.type_timestamp() }})
    and (
        {{ alias }}.valid_to is null
        or {{ at }} < cast({{ alias }}.valid_to as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}

{% macro threshold_in_force(column) -%}
    coalesce(own_threshold.{{ column }}, default_threshold.{{ column }})
{%- endmacro %}
