{#-
    A latest delivery is either used (staged) or set aside (quarantined), never both (a row
    quarantined on its own may share a staged key: it took no part in choosing the latest).
-#}
with

staged_keys as (

    select
        'zs_ticket_outcomes' as source_table,
        ticket_id as record_key
    from {{ ref('stg_copilot__ticket_outcomes') }}
    union all
    select
        'zs_prompt_logs' as source_table,
        prompt_id as record_key
    from {{ ref('stg_copilot__prompt_logs') }}
    union all
    select
        'zs_draft_confidence' as source_table,
        draft_id as record_key
    from {{ ref('stg_copilot__draft_confidence') }}

),

quarantined_keys as (

    select
        source_table,
        record_key
    from {{ ref('quarantined_rows') }}
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
