-- Which contract rules the latest load broke, per raw table, and when those rows arrived.
-- Rule codes are taken from rows that break exactly one rule; a row breaking several counts
-- under each (position() gets each side in parentheses: Snowflake's position(x in y) takes single
-- terms). Compile with `dbt compile --select quarantine_by_rule` and run the SQL in target/compiled.
with

quarantined as (

    select * from {{ ref('audit_quarantined_rows') }}

),

rule_codes as (

    select distinct failed_rules as rule_code
    from quarantined
    where failed_rule_count = 1

),

rules as (

    select
        quarantined.source_table,
        quarantined.loaded_at,
        rule_codes.rule_code
    from quarantined
    inner join rule_codes
        on {{ dbt.position(
            '(' ~ dbt.concat(["','", 'rule_codes.rule_code', "','"]) ~ ')',
            '(' ~ dbt.concat(["','", 'quarantined.failed_rules', "','"]) ~ ')',
        ) }} > 0

),

final as (

    select
        source_table,
        rule_code,
        count(*) as rows_quarantined,
        min(loaded_at) as first_loaded_at,
        max(loaded_at) as last_loaded_at
    from rules
    group by source_table, rule_code

)

select * from final
order by source_table, rule_code
