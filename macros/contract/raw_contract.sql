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
            'event_timestamp': 'created_at',
            'lateness_allowance_hours': 72,
            'expected_before_pilot': true,
            'columns': [
                'ticket_id', 'created_at', 'updated_at', 'solved_at', 'queue', 'intent', 'region',
                'channel', 'copilot_enabled', 'resolved_by', 'agent_id', 'handle_time_seconds',
                'agent_replies', 'reopens', 'escalated', 'satisfaction_rating', '_loaded_at',
            ],
            'not_null': [
                'ticket_id', 'created_at', 'updated_at', 'queue', 'region', 'channel',
                'copilot_enabled', 'escalated', '_loaded_at',
            ],
            'non_negative': ['handle_time_seconds', 'agent_replies', 'reopens'],
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
            'event_timestamp': 'logged_at',
            'lateness_allowance_hours': 6,
            'expected_before_pilot': false,
            'columns': [
                'prompt_id', 'ticket_id', 'draft_id', 'logged_at', 'processing_region', 'model',
                'prompt_template_version', 'input_tokens', 'output_tokens', 'latency_ms', 'status',
                'pii_detected', 'pii_redacted', 'jailbreak_flag', 'prompt_text', '_loaded_at',
            ],
            'not_null': [
                'prompt_id', 'ticket_id', 'logged_at', 'processing_region', 'model',
                'prompt_template_version', 'input_tokens', 'output_tokens', 'latency_ms', 'status',
                'pii_detected', 'pii_redacted', 'jailbreak_flag', '_loaded_at',
            ],
            'non_negative': ['input_tokens', 'output_tokens', 'latency_ms'],
            'unit_interval': [],
            'timestamps': ['logged_at'],
            'not_before': [],
            'enums': {'status': ['ok', 'error', 'timeout', 'filtered']},
        },
        'zs_draft_confidence': {
            'key': 'draft_id',
            'tie_breakers': [],
            'event_timestamp': 'drafted_at',
            'lateness_allowance_hours': 6,
            'expected_before_pilot': false,
            'columns': [
                'draft_id', 'ticket_id', 'prompt_id', 'intent', 'confidence_score', 'drafted_at',
                'suggestion_mode', 'agent_action', 'edit_distance_ratio', 'sent_at', '_loaded_at',
            ],
            'not_null': [
                'draft_id', 'ticket_id', 'prompt_id', 'intent', 'confidence_score', 'drafted_at',
                'suggestion_mode', '_loaded_at',
            ],
            'non_negative': [],
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
    {{ return(contracts[table_name]) }}
{% endmacro %}


{#- Every rule of a raw table as {'rule': code, 'condition': SQL true when the row breaks it}, sorted by code. -#}
{% macro raw_contract_rules(table_name) %}
    {%- set contract = raw_contract(table_name) -%}
    {%- set max_future_days = project_var_int('max_future_days_after_load', 0, 365) -%}
    {%- set rules = [] -%}
    {%- for column in contract.not_null -%}
        {%- do rules.append({'rule': 'null_' ~ column.lstrip('_'), 'condition': column ~ ' is null'}) -%}
    {%- endfor -%}
    {%- for column in contract.non_negative -%}
        {%- do rules.append({'rule': 'negative_' ~ column, 'condition': column ~ ' < 0'}) -%}
    {%- endfor -%}
    {%- for column in contract.unit_interval -%}
        {%- do rules.append({
            'rule': column ~ '_out_of_range',
            'condition': '(' ~ column ~ ' < 0 or ' ~ column ~ ' > 1)',
        }) -%}
    {%- endfor -%}
    {%- for column in contract.timestamps -%}
        {%- do rules.append({
            'rule': 'future_' ~ column,
            'condition': column ~ ' > ' ~ dbt.dateadd('day', max_future_days, '_loaded_at'),
        }) -%}
    {%- endfor -%}
    {%- for pair in contract.not_before -%}
        {%- do rules.append({'rule': pair.rule, 'condition': pair.column ~ ' < ' ~ pair.reference}) -%}
    {%- endfor -%}
    {%- for column, allowed in contract.enums.items() -%}
        {%- do rules.append({
            'rule': 'invalid_' ~ column,
            'condition': '(' ~ column ~ ' is not null and ' ~ column ~ " not in ('" ~ (allowed | join("', '")) ~ "'))",
        }) -%}
    {%- endfor -%}
    {{ return(rules | sort(attribute='rule')) }}
{% endmacro %}


{#-
    The latest delivery of each key of a raw table, with the contract rules it breaks:
    failed_rules (comma-separated rule codes, sorted; '' when valid), failed_rule_count,
    delivery_count (deliveries of the key) and first_loaded_at (its first delivery).
    Latest = latest _loaded_at, then the table's
    tie-breaks (latest updated_at for tickets), then the row's other values in turn, so the
    choice among identical-time deliveries is deterministic (sorting compares them only on ties,
    which is cheaper than hashing every row). A row with a null key cannot be matched
    to other deliveries: it stands alone.
-#}
{% macro checked_latest_deliveries(source_relation, table_name) %}
    {%- set contract = raw_contract(table_name) -%}
    {%- set rules = raw_contract_rules(table_name) -%}
    {%- set key = contract.key -%}
    {%- set order_by = ['_loaded_at desc nulls last'] -%}
    {%- for column in contract.tie_breakers -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}
    {%- for column in contract.columns if column not in ['_loaded_at'] + contract.tie_breakers -%}
        {%- do order_by.append(column ~ ' desc nulls last') -%}
    {%- endfor -%}

with

source_rows as (

    select {{ contract.columns | join(', ') }}
    from {{ source_relation }}

),

ranked as (

    select
        *,
        case
            when {{ key }} is null then 1
            else row_number() over (partition by {{ key }} order by {{ order_by | join(', ') }})
        end as delivery_rank,
        case
            when {{ key }} is null then 1
            else count(*) over (partition by {{ key }})
        end as delivery_count,
        case
            when {{ key }} is null then _loaded_at
            else min(_loaded_at) over (partition by {{ key }})
        end as first_loaded_at
    from source_rows

),

latest as (

    select * from ranked
    where delivery_rank = 1

),

checked as (

    select
        {{ contract.columns | join(',\n        ') }},
        delivery_count,
        first_loaded_at,
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
