{#-
    The raw source contract (shared/contract/raw-sources.md, v1.1) is data, written once in
    models/staging/copilot_raw/_copilot__sources.yml: `config.meta.contract` of the source copilot_raw (the
    key whitespace, the value ranges, the plausibility limits), of each table (key, key references,
    delivery tie-breaks, event timestamp, lateness allowance, whether rows are expected before a pilot
    starts, base and staged models, row rules) and of each column (type, nullability, enum, range,
    plausibility limit). docs/contract.md is rendered from it, and the Python package reads the same
    file. The macros here read it through the graph (raw_contract_view).
-#}

{#-
    The contract as {'loaded_at_field', 'contract': the source's, 'tables': [{'name', 'contract': the
    table's, 'columns': [{'name', 'type', 'nullable', ...}] in order}] in the contract's order}, read
    from the graph's sources. dbt fills the graph only when it executes, and not in a unit test: while
    it parses (when a model's refs are recorded) and in a unit test, the same view comes from its
    rendering (raw_contract_rendered.sql, rendered from the YAML by python -m copilot_governance.contract
    --write-docs), and a run whose graph differs from that rendering stops. A project without the source
    copilot_raw (one that only reuses these macros) gets no tables.
-#}
{% macro raw_contract_view() %}
    {%- set rendered = raw_contract_rendered() -%}
    {%- if not execute or graph.get('sources') is none -%}
        {{ return(rendered) }}
    {%- endif -%}
    {%- set found = {} -%}
    {%- set view = {'loaded_at_field': none, 'contract': {}, 'tables': []} -%}
    {%- for node in graph.sources.values() if node.source_name == 'copilot_raw' -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() -%}
            {%- set flat = {'name': column.name} -%}
            {%- do flat.update(column.meta.get('contract') or {}) -%}
            {%- do columns.append(flat) -%}
        {%- endfor -%}
        {%- do view.update({
            'loaded_at_field': node.loaded_at_field,
            'contract': node.source_meta.get('contract'),
        }) -%}
        {%- do found.update({
            node.name: {'name': node.name, 'contract': node.meta.get('contract'), 'columns': columns},
        }) -%}
    {%- endfor -%}
    {%- if not found -%}
        {{ return(view) }}
    {%- endif -%}
    {%- for table in rendered.tables if table.name in found -%}
        {%- do view.tables.append(found[table.name]) -%}
    {%- endfor -%}
    {%- if view.tables | length != found | length or view != rendered -%}
        {{ exceptions.raise_compiler_error(
            "raw_contract: the raw source contract in the graph (models/staging/copilot_raw/_copilot__sources.yml)"
            ~ " differs from its rendering macros/contract/raw_contract_rendered.sql, which dbt parsed the"
            ~ " models and runs the unit tests with: run python -m copilot_governance.contract --write-docs"
            ~ " and re-run") }}
    {%- endif -%}
    {{ return(view) }}
{% endmacro %}


{#-
    The contract of a raw table: its key, its delivery tie-breaks, its key references, the rules
    whose breach makes a row bad input (not_null, ranges, plausible_max, timestamps, not_before,
    enums), the event timestamp whose UTC day a row's volume counts on, its lateness allowance
    (v1.1: tickets 3 days, calls and drafts 6 hours), whether rows are expected before a pilot
    starts, its base and staged models, and its columns in order with their types.
-#}
{% macro raw_contract(table_name) %}
    {%- set view = raw_contract_view() -%}
    {%- set tables = {} -%}
    {%- for table in view.tables -%}
        {%- do tables.update({table.name: table}) -%}
    {%- endfor -%}
    {%- if table_name not in tables -%}
        {{ exceptions.raise_compiler_error(
            "raw_contract: unknown raw table '" ~ table_name ~ "'; expected one of "
            ~ (tables.keys() | list | join(', '))) }}
    {%- endif -%}
    {%- set shared = view.contract -%}
    {%- set spec = tables[table_name].contract -%}
    {%- set contract = {
        'key': spec['key'],
        'tie_breakers': spec['tie_breakers'],
        'references': spec['references'],
        'event_timestamp': spec['event_timestamp'],
        'lateness_allowance_hours': spec['lateness_allowance_hours'],
        'expected_before_pilot': spec['expected_before_pilot'],
        'base_model': spec['base_model'],
        'staged_model': spec['staged_model'],
        'types': {}, 'columns': [], 'not_null': [], 'ranges': [], 'plausible_max': {}, 'timestamps': [],
        'not_before': [], 'enums': {},
    } -%}
    {#- the columns in the contract's order -#}
    {%- for column in tables[table_name].columns -%}
        {%- do contract.columns.append(column.name) -%}
        {%- do contract.types.update({column.name: column['type']}) -%}
        {%- if not column['nullable'] -%}
            {%- do contract.not_null.append(column.name) -%}
        {%- endif -%}
        {%- if column.get('range') is not none -%}
            {%- set value_range = shared['ranges'][column['range']] -%}
            {%- do contract.ranges.append({
                'column': column.name,
                'rule': value_range['rule'] | replace('{column}', column.name),
                'min': value_range.get('min'),
                'max': value_range.get('max'),
            }) -%}
        {%- endif -%}
        {%- if column.get('plausible_max') is not none -%}
            {%- do contract.plausible_max.update({column.name: column['plausible_max']}) -%}
        {%- endif -%}
        {#- every timestamp but the load's own (the source's loaded_at_field) is an event timestamp -#}
        {%- if column['type'] == 'timestamp' and column.name != view.loaded_at_field -%}
            {%- do contract.timestamps.append(column.name) -%}
        {%- endif -%}
        {%- if column.get('enum') is not none -%}
            {%- do contract.enums.update({column.name: column['enum']}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for row_rule in spec['row_rules'] -%}
        {%- do contract.not_before.append({
            'column': row_rule['column'], 'reference': row_rule['not_before'], 'rule': row_rule['rule'],
        }) -%}
    {%- endfor -%}
    {#- what a key must neither be made of nor start or end with, as SQL: ' ' || chr(9) || chr(10) || chr(13) -#}
    {%- set whitespace = [] -%}
    {%- for code in shared['key_whitespace'] -%}
        {%- if code >= 32 and code <= 126 and code != 39 -%}
            {%- do whitespace.append("'" ~ ('%c' | format(code)) ~ "'") -%}
        {%- else -%}
            {%- do whitespace.append('chr(' ~ code ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do contract.update({'key_whitespace_sql': whitespace | join(' || ')}) -%}
    {{ return(contract) }}
{% endmacro %}


{#-
    Every rule of a raw table as {'rule': code, 'condition': SQL true when the row breaks it,
    'on_its_own': true when a row breaking it takes no part in choosing the latest delivery},
    sorted by code. Conditions read the plausibility limits (seed plausibility_limits) as columns
    plausibility_<limit_name> of the row, and text_columns are the contract columns the load delivered as text (each
    gets an unreadable_<column> rule: a value that cannot be read as its contract type).
-#}
{% macro raw_contract_rules(table_name, text_columns=[]) %}
    {%- set contract = raw_contract(table_name) -%}
    {%- set max_future_days = project_var('max_future_days_after_load') -%}
    {%- set whitespace = contract.key_whitespace_sql -%}
    {%- set reference_at = "cast('" ~ project_var('reference_time') ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set rules = [] -%}
    {%- for column in contract.not_null -%}
        {%- do rules.append({
            'rule': 'null_' ~ column.lstrip('_'),
            'condition': ('(' ~ column ~ ' is null and ' ~ column ~ '__as_text is null)') if column in text_columns else (column ~ ' is null'),
            'on_its_own': column in [contract.key, '_loaded_at'],
        }) -%}
    {%- endfor -%}
    {%- for column in [contract.key] + contract.references -%}
        {%- set is_key = column == contract.key -%}
        {%- do rules.append({
            'rule': 'blank_' ~ column,
            'condition': '(' ~ column ~ ' is not null and trim(' ~ column ~ ', ' ~ whitespace ~ ") = '')",
            'on_its_own': is_key,
        }) -%}
        {%- do rules.append({
            'rule': 'untrimmed_' ~ column,
            'condition': '(trim(' ~ column ~ ', ' ~ whitespace ~ ") <> '' and " ~ column ~ ' <> trim(' ~ column ~ ', ' ~ whitespace ~ '))',
            'on_its_own': is_key,
        }) -%}
    {%- endfor -%}
    {#- a value outside its range: below the min (a single bound is not parenthesised), above the max -#}
    {%- for value_range in contract.ranges -%}
        {%- set bounds = [] -%}
        {%- if value_range['min'] is not none -%}
            {%- do bounds.append(value_range.column ~ ' < ' ~ value_range['min']) -%}
        {%- endif -%}
        {%- if value_range['max'] is not none -%}
            {%- do bounds.append(value_range.column ~ ' > ' ~ value_range['max']) -%}
        {%- endif -%}
        {%- do rules.append({
            'rule': value_range.rule,
            'condition': bounds[0] if bounds | length == 1 else '(' ~ (bounds | join(' or ')) ~ ')',
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- for column, limit in contract.plausible_max.items() -%}
        {%- do rules.append({
            'rule': 'implausible_' ~ column,
            'condition': column ~ ' > plausibility_' ~ limit,
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- for column in contract.timestamps -%}
        {%- do rules.append({
            'rule': 'future_' ~ column,
            'condition': column ~ ' > ' ~ dbt.dateadd('day', max_future_days, '_loaded_at'),
            'on_its_own': false,
        }) -%}
        {%- do rules.append({
            'rule': 'implausible_' ~ column,
            'condition': 'extract(year from ' ~ column ~ ') < plausibility_earliest_timestamp_year',
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- do rules.append({
        'rule': 'implausible_loaded_at',
        'condition': '(extract(year from _loaded_at) < plausibility_earliest_timestamp_year or _loaded_at > '
            ~ dbt.dateadd('hour', 'plausibility_max_loaded_at_hours_after_reference', reference_at) ~ ')',
        'on_its_own': true,
    }) -%}
    {%- for pair in contract.not_before -%}
        {%- do rules.append({
            'rule': pair.rule,
            'condition': pair.column ~ ' < ' ~ pair.reference,
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- for column, allowed in contract.enums.items() -%}
        {%- do rules.append({
            'rule': 'invalid_' ~ column,
            'condition': '(' ~ column ~ ' is not null and ' ~ column ~ " not in ('" ~ (allowed | join("', '")) ~ "'))",
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- for column in text_columns -%}
        {%- do rules.append({
            'rule': 'unreadable_' ~ column.lstrip('_'),
            'condition': '(' ~ column ~ '__as_text is not null and ' ~ column ~ ' is null)',
            'on_its_own': column == '_loaded_at',
        }) -%}
    {%- endfor -%}
    {{ return(rules | sort(attribute='rule')) }}
{% endmacro %}


{#-
    The names of the plausibility limits the contract reads (values: seed plausibility_limits,
    raw-sources.md v1.1); checked_latest_deliveries reads them as one row with a column per limit
    (plausibility_<limit_name>), for a cross join: the rules compare values with them.
-#}
{% macro plausibility_limit_names() %}
    {{ return(raw_contract_view().contract.get('plausibility_limits', [])) }}
{% endmacro %}




{#-
    The latest delivery of each key of a raw table, with the contract rules it breaks, and every
    row that is quarantined on its own (raw-sources.md v1.1: a null, blank or untrimmed key, a
    null, unreadable or implausible _loaded_at). Columns: the contract's columns, in its types
    (a column delivered as text is read with a safe cast, and a value that cannot be read breaks
    unreadable_<column>), failed_rules (comma-separated rule codes, sorted; '' when valid),
    failed_rule_count, is_quarantined_on_its_own, delivery_count (the key's deliveries that take
    part in choosing the latest; for a row on its own, how many of its key's deliveries do, 0 when
    none does) and first_loaded_at (the first of those; null for a row on its own). Latest = latest _loaded_at, then the table's tie-breaks (latest
    updated_at for tickets), then the row's other values in turn, so the choice among
    identical-time deliveries is deterministic (sorting compares them only on ties, which is
    cheaper than hashing every row). A row on its own takes no part in that choice.
-#}
{% macro checked_latest_deliveries(source_relation, table_name) %}
    {%- set contract = raw_contract(table_name) -%}
    {%- set text_columns = raw_columns_read_as_text(source_relation, table_name) -%}
    {%- set rules = raw_contract_rules(table_name, text_columns) -%}
    {%- set key = contract.key -%}
    {%- set lookback_hours = project_var('incremental_lookback_hours') -%}
    {%- set order_by = ['_loaded_at desc'] -%}
    {%- for column in contract.tie_breakers -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}
    {%- set ordered_first = contract.tie_breakers + ['_loaded_at'] -%}
    {%- for column in contract.columns if column not in ordered_first -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}
    {%- set source_columns = [] -%}
    {%- set row_values = [] -%}
    {%- for column in contract.columns -%}
        {%- if column in text_columns -%}
            {%- do source_columns.append(
                try_cast_text(column, raw_contract_sql_type(contract.types[column])) ~ ' as ' ~ column
            ) -%}
            {%- do source_columns.append(column ~ ' as ' ~ column ~ '__as_text') -%}
            {%- do row_values.append("coalesce(" ~ column ~ "__as_text, '<null>')") -%}
            {%- if not loop.last %}{% do row_values.append("'|'") %}{% endif -%}
        {%- else -%}
            {%- do source_columns.append(column) -%}
            {%- do row_values.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
            {%- if not loop.last %}{% do row_values.append("'|'") %}{% endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set limit_columns = [] -%}
    {%- for name in plausibility_limit_names() -%}
        {%- do limit_columns.append(
            "max(case when limit_name = '" ~ name ~ "' then limit_value end) as plausibility_" ~ name
        ) -%}
    {%- endfor -%}
    {%- set own_conditions = rules | selectattr('on_its_own') | map(attribute='condition') | list -%}
    {%- set rule_counts = [] -%}
    {%- set rule_codes = [] -%}
    {%- for rule in rules -%}
        {%- do rule_counts.append('case when ' ~ rule.condition ~ ' then 1 else 0 end') -%}
        {%- do rule_codes.append('case when ' ~ rule.condition ~ " then '" ~ rule.rule ~ ",' else '' end") -%}
    {%- endfor %}
    with

    source_rows as (

        select
            {{ source_columns | join(',\n            ') }}
        from {{ source_relation }}

    ),

    plausibility as (

        select
            {{ limit_columns | join(',\n            ') }}
        from {{ ref('plausibility_limits') }}

    ),

    flagged as (

        select
            source_rows.*,
            plausibility.*,
            coalesce({{ own_conditions | join(' or ') }}, false) as is_quarantined_on_its_own
        from source_rows
        cross join plausibility

    ),

    {% if is_incremental() -%}
        watermark as (

            select max(_loaded_at) as last_loaded_at
            from {{ this }}
            where not is_quarantined_on_its_own

        ),

        keys_in_scope as (

            select distinct flagged.{{ key }}
            from flagged
            cross join watermark
            where
                flagged.is_quarantined_on_its_own
                or watermark.last_loaded_at is null
                or flagged._loaded_at > {{ dbt.dateadd('hour', -lookback_hours, 'watermark.last_loaded_at') }}

        ),

        in_scope as (

            select * from flagged
            where is_quarantined_on_its_own or {{ key }} in (select keys_in_scope.{{ key }} from keys_in_scope)

        ),
    {%- else -%}
        in_scope as (

            select * from flagged

        ),
    {%- endif %}

    ranked as (

        select
            *,
            row_number() over (
                partition by {{ key }}
                order by case when is_quarantined_on_its_own then 1 else 0 end, {{ order_by | join(', ') }}
            ) as delivery_rank,
            count(case when not is_quarantined_on_its_own then 1 end) over (
                partition by {{ key }}
            ) as delivery_count,
            min(case when not is_quarantined_on_its_own then _loaded_at end) over (
                partition by {{ key }}
            ) as first_loaded_at
        from in_scope

    ),

    latest as (

        select
            *,
            case
                when is_quarantined_on_its_own
                    then {{ dbt.concat(["'quarantined:'", dbt.hash(dbt.concat(row_values))]) }}
                else cast({{ key }} as {{ dbt.type_string() }})
            end as row_key
        from ranked
        where is_quarantined_on_its_own or delivery_rank = 1

    ),

    checked as (

        select
            {{ contract.columns | join(',\n            ') }},
            row_key,
            row_number() over (partition by row_key order by {{ order_by | join(', ') }}) as copy_number,
            is_quarantined_on_its_own,
            delivery_count,
            case when is_quarantined_on_its_own then null else first_loaded_at end as first_loaded_at,
            {{ rule_counts | join(' + ') }} as failed_rule_count,
            rtrim({{ rule_codes | join(' || ') }}, ',') as failed_rules
        from latest

    )

    select * from checked
{% endmacro %}


{#-
    The raw tables of the contract, each with its key and its base (latest delivery) and staged models:
    [{'source_table', 'key', 'base', 'staged'}], in the contract's order. One list for every audit, load
    and data-quality model (while dbt parses, from the contract's rendering: a model's refs are recorded).
-#}
{% macro raw_tables() %}
    {%- set tables = [] -%}
    {%- for table in raw_contract_view().tables -%}
        {%- do tables.append({
            'source_table': table.name,
            'key': table.contract['key'],
            'base': table.contract['base_model'],
            'staged': table.contract['staged_model'],
        }) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}


{#- One raw table of raw_tables() by its name ({'source_table', 'key', 'base', 'staged'}). -#}
{% macro raw_table(source_table) %}
    {%- for table in raw_tables() if table.source_table == source_table -%}
        {{ return(table) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("raw_table: unknown raw table '" ~ source_table ~ "'") }}
{% endmacro %}
