{#-
    A latest delivery is either used (staged) or set aside (quarantined), never both (a row
    quarantined on its own may share a staged key: it took no part in choosing the latest).
-#}
with

staged_keys as (

    {% for table in raw_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        {{ table.key }} as record_key
    from {{ ref(table.staged) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

quarantined_keys as (

    select
        source_table,
        record_key
    from {{ ref('audit_quarantined_rows') }}
    where record_key is not null and not is_quarantined_on_its_own

),

final as (

    select
        staged_keys.source_table,
        staged_keys.record_key
    from staged_keys
    inner join quarantined_keys
        on
            staged_keys.source_table = quarantined_keys.source_table
            and staged_keys.record_key = quarantined_keys.record_key

)

select * from final
