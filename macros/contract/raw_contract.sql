{#-
    The raw source contract (shared/contract/raw-sources.md, v1.1) as data: for each raw table,
    its key, its delivery tie-breaks, the rules whose breach makes a row bad input, the event
    timestamp whose UTC day a row's volume counts on, its lateness allowance (v1.1: tickets 3
    days, calls and drafts 6 hours) and whether rows are expected before a pilot starts.
    This is the one place the rules are written; base models, staging and the quarantine
    all derive from it.
-#}
{% macro raw_contract(table_name) %}
    {%- set contracts = {
        'zs_ticket_outcomes': {
            'key': 'ticket_id',
            'tie_breakers': ['updated_at'],
            'references': [],
            'event_timestamp': 'created_at',
            'lateness_allowance_hours': 72,
            'expected_before_pilot': true,
            'types': {
                'ticket_id': 'varchar', 'created_at': 'timestamp', 'updated_at': 'timestamp',
                'solved_at': 'timestamp', 'queue': 'varchar', 'intent': 'varchar', 'region': 'varchar',
                'channel': 'varchar', 'copilot_enabled': 'boolean', 'resolved_by': 'varchar',
                'agent_id': 'varchar', 'handle_time_seconds': 'integer', 'agent_replies': 'integer',
                'reopens': 'integer', 'escalated': 'boolean', 'satisfaction_rating': 'varchar',
                '_loaded_at': 'timestamp',
            },
            'not_null': [
                'ticket_id', 'created_at', 'updated_at', 'queue', 'region', 'channel',
                'copilot_enabled', 'escalated', '_loaded_at',
            ],
            'non_negative': ['handle_time_seconds', 'agent_replies', 'reopens'],
            'plausible_max': {
                'handle_time_seconds': 'max_handle_time_seconds',
                'agent_replies': 'max_agent_replies',
                'reopens': 'max_reopens',
            },
            'unit_interval': [],
            'timestamps': ['created_at', 'updated_at', 'solved_at'],
            'not_before': [{'column': 'solved_at', 'reference': 'created_at', 'rule': 'solved_before_created'}],
            'enums': {
                'resolved_by': ['agent', 'self_service'],
                'satisfaction_rating': ['good', 'bad', 'offered'],
            },
        },
        'zs_prompt_logs': {
            'key': 'prompt_id',
            'tie_breakers': [],
            'references': ['ticket_id', 'draft_id'],
            'event_timestamp': 'logged_at',
            'lateness_allowance_hours': 6,
            'expected_before_pilot': false,
            'types': {
                'prompt_id': 'varchar', 'ticket_id': 'varchar', 'draft_id': 'varchar', 'logged_at': 'timestamp',
                'processing_region': 'varchar', 'model': 'varchar', 'prompt_template_version': 'varchar',
                'input_tokens': 'integer', 'output_tokens': 'integer', 'latency_ms': 'integer',
                'status': 'varchar', 'pii_detected': 'boolean', 'pii_redacted': 'boolean',
                'jailbreak_flag': 'boolean', 'prompt_text': 'varchar', '_loaded_at': 'timestamp',
            },
            'not_null': [
                'prompt_id', 'ticket_id', 'logged_at', 'processing_region', 'model',
                'prompt_template_version', 'input_tokens', 'output_tokens', 'latency_ms', 'status',
                'pii_detected', 'pii_redacted', 'jailbreak_flag', '_loaded_at',
            ],
            'non_negative': ['input_tokens', 'output_tokens', 'latency_ms'],
            'plausible_max': {'input_tokens': 'max_tokens', 'output_tokens': 'max_tokens', 'latency_ms': 'max_latency_ms'},
            'unit_interval': [],
            'timestamps': ['logged_at'],
            'not_before': [],
            'enums': {'status': ['ok', 'error', 'timeout', 'filtered']},
        },
        'zs_draft_confidence': {
            'key': 'draft_id',
            'tie_breakers': [],
            'references': ['ticket_id', 'prompt_id'],
            'event_timestamp': 'drafted_at',
            'lateness_allowance_hours': 6,
            'expected_before_pilot': false,
            'types': {
                'draft_id': 'varchar', 'ticket_id': 'varchar', 'prompt_id': 'varchar', 'intent': 'varchar',
                'confidence_score': 'double', 'drafted_at': 'timestamp', 'suggestion_mode': 'varchar',
                'agent_action': 'varchar', 'edit_distance_ratio': 'double', 'sent_at': 'timestamp',
                '_loaded_at': 'timestamp',
            },
            'not_null': [
                'draft_id', 'ticket_id', 'prompt_id', 'intent', 'confidence_score', 'drafted_at',
                'suggestion_mode', '_loaded_at',
            ],
            'non_negative': [],
            'plausible_max': {},
            'unit_interval': ['confidence_score', 'edit_distance_ratio'],
            'timestamps': ['drafted_at', 'sent_at'],
            'not_before': [],
            'enums': {
                'suggestion_mode': ['auto_suggest', 'human_review', 'suppressed'],
                'agent_action': ['accepted', 'edited', 'rejected'],
            },
        },
    } -%}
    {%- if table_name not in contracts -%}
        {{ exceptions.raise_compiler_error(
            "raw_contract: unknown raw table '" ~ table_name ~ "'; expected one of "
            ~ (contracts.keys() | list | join(', '))) }}
    {%- endif -%}
    {%- set contract = contracts[table_name] -%}
    {#- the columns in the contract's order (the order of types) -#}
    {%- do contract.update({'columns': contract.types.keys() | list}) -%}
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
    {#- space, tab, line feed, carriage return: what a key must neither be made of nor start or end with -#}
    {%- set whitespace = "' ' || chr(9) || chr(10) || chr(13)" -%}
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
    {%- for column in contract.non_negative -%}
        {%- do rules.append({'rule': 'negative_' ~ column, 'condition': column ~ ' < 0', 'on_its_own': false}) -%}
    {%- endfor -%}
    {%- for column, limit in contract.plausible_max.items() -%}
        {%- do rules.append({
            'rule': 'implausible_' ~ column,
            'condition': column ~ ' > plausibility_' ~ limit,
            'on_its_own': false,
        }) -%}
    {%- endfor -%}
    {%- for column in contract.unit_interval -%}
        {%- do rules.append({
            'rule': column ~ '_out_of_range',
            'condition': '(' ~ column ~ ' < 0 or ' ~ column ~ ' > 1)',
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
        {%- do rules.append({'rule': pair.rule, 'condition': pair.column ~ ' < ' ~ pair.reference, 'on_its_own': false}) -%}
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
    The plausibility limits (seed plausibility_limits, raw-sources.md v1.1) as one row with a column
    per limit (plausibility_<limit_name>), for a cross join: the rules compare values with them.
-#}
{% macro plausibility_limit_names() %}
    {{ return([
        'max_handle_time_seconds', 'max_tokens', 'max_latency_ms', 'max_agent_replies', 'max_reopens',
        'earliest_timestamp_year', 'max_loaded_at_hours_after_reference',
    ]) }}
{% endmacro %}


{% macro plausibility_limits_row() %}
    select
        {% for name in plausibility_limit_names() -%}
        max(case when limit_name = '{{ name }}' then limit_value end) as plausibility_{{ name }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('plausibility_limits') }}
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
    {%- set order_by = ['_loaded_at desc'] -%}
    {%- for column in contract.tie_breakers -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}
    {%- for column in contract.columns if column not in ['_loaded_at'] + contract.tie_breakers -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}
    {%- set own_rules = rules | selectattr('on_its_own') | list -%}

with

source_rows as (

    select
        {% for column in contract.columns -%}
        {%- if column in text_columns -%}
        {{ try_cast_text(column, raw_contract_sql_type(contract.types[column])) }} as {{ column }},
        {{ column }} as {{ column }}__as_text
        {%- else -%}
        {{ column }}
        {%- endif -%}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ source_relation }}

),

plausibility as (

    {{ plausibility_limits_row() }}

),

flagged as (

    select
        source_rows.*,
        plausibility.*,
        coalesce(
            {% for rule in own_rules -%}
            {{ rule.condition }}
            {%- if not loop.last %} or {% endif %}
            {% endfor %}, false
        ) as is_quarantined_on_its_own
    from source_rows
    cross join plausibility

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ key }}
            order by case when is_quarantined_on_its_own then 1 else 0 end, {{ order_by | join(', ') }}
        ) as delivery_rank,
        count(case when not is_quarantined_on_its_own then 1 end) over (partition by {{ key }}) as delivery_count,
        min(case when not is_quarantined_on_its_own then _loaded_at end) over (partition by {{ key }}) as first_loaded_at
    from flagged

),

latest as (

    select * from ranked
    where is_quarantined_on_its_own or delivery_rank = 1

),

checked as (

    select
        {{ contract.columns | join(',\n        ') }},
        is_quarantined_on_its_own,
        delivery_count,
        case when is_quarantined_on_its_own then null else first_loaded_at end as first_loaded_at,
        {% for rule in rules -%}
        case when {{ rule.condition }} then 1 else 0 end
        {%- if not loop.last %} + {% endif %}
        {% endfor %} as failed_rule_count,
        rtrim(
            {% for rule in rules -%}
            case when {{ rule.condition }} then '{{ rule.rule }},' else '' end
            {%- if not loop.last %} || {% endif %}
            {% endfor %}, ','
        ) as failed_rules
    from latest

)

select * from checked
{% endmacro %}


{#- The three raw tables with their base (latest delivery) and staging models: one list for every audit and load model. -#}
{% macro raw_tables() %}
    {{ return([
        {'source_table': 'zs_ticket_outcomes', 'base': 'base_copilot__ticket_outcomes', 'staged': 'stg_copilot__ticket_outcomes'},
        {'source_table': 'zs_prompt_logs', 'base': 'base_copilot__prompt_logs', 'staged': 'stg_copilot__prompt_logs'},
        {'source_table': 'zs_draft_confidence', 'base': 'base_copilot__draft_confidence', 'staged': 'stg_copilot__draft_confidence'},
    ]) }}
{% endmacro %}
