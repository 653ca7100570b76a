{#-
    Rendered from the raw source contract (models/staging/copilot_raw/_copilot__sources.yml) by
    python -m copilot_governance.contract --write-docs: edit the contract, never this file.
    The contract as the macros read it from dbt's graph (raw_contract_view), for the two moments dbt has no
    graph: while it parses, when each model's refs are recorded (a model that loops over
    raw_tables() refs every base and staged model), and in a unit test. When dbt executes with the
    graph, raw_contract_view reads the graph and stops a run where this rendering differs.
-#}
{% macro raw_contract_rendered() %}
    {%- set view = {
        'loaded_at_field': '_loaded_at',
        'contract': {
            'document': 'shared/contract/raw-sources.md',
            'version': '1.1',
            'key_whitespace': [32, 9, 10, 13],
            'ranges': {
                'non_negative': {'min': 0, 'rule': 'negative_{column}'},
                'unit_interval': {'min': 0, 'max': 1, 'rule': '{column}_out_of_range'},
            },
            'plausibility_limits': [
                'max_handle_time_seconds',
                'max_tokens',
                'max_latency_ms',
                'max_agent_replies',
                'max_reopens',
                'earliest_timestamp_year',
                'max_loaded_at_hours_after_reference',
            ],
        },
        'tables': [
            {
                'name': 'zs_ticket_outcomes',
                'contract': {
                    'key': 'ticket_id',
                    'references': [],
                    'tie_breakers': ['updated_at'],
                    'event_timestamp': 'created_at',
                    'lateness_allowance_hours': 72,
                    'expected_before_pilot': true,
                    'base_model': 'base_copilot__ticket_outcomes',
                    'staged_model': 'stg_copilot__ticket_outcomes',
                    'row_rules': [
                        {'rule': 'solved_before_created', 'column': 'solved_at', 'not_before': 'created_at'},
                    ],
                },
                'columns': [
                    {'name': 'ticket_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'created_at', 'type': 'timestamp', 'nullable': false},
                    {'name': 'updated_at', 'type': 'timestamp', 'nullable': false},
                    {'name': 'solved_at', 'type': 'timestamp', 'nullable': true},
                    {'name': 'queue', 'type': 'varchar', 'nullable': false},
                    {'name': 'intent', 'type': 'varchar', 'nullable': true},
                    {'name': 'region', 'type': 'varchar', 'nullable': false},
                    {'name': 'channel', 'type': 'varchar', 'nullable': false},
                    {'name': 'copilot_enabled', 'type': 'boolean', 'nullable': false},
                    {
                        'name': 'resolved_by',
                        'type': 'varchar',
                        'nullable': true,
                        'enum': ['agent', 'self_service'],
                    },
                    {'name': 'agent_id', 'type': 'varchar', 'nullable': true},
                    {
                        'name': 'handle_time_seconds',
                        'type': 'integer',
                        'nullable': true,
                        'range': 'non_negative',
                        'plausible_max': 'max_handle_time_seconds',
                    },
                    {
                        'name': 'agent_replies',
                        'type': 'integer',
                        'nullable': true,
                        'range': 'non_negative',
                        'plausible_max': 'max_agent_replies',
                    },
                    {
                        'name': 'reopens',
                        'type': 'integer',
                        'nullable': true,
                        'range': 'non_negative',
                        'plausible_max': 'max_reopens',
                    },
                    {'name': 'escalated', 'type': 'boolean', 'nullable': false},
                    {
                        'name': 'satisfaction_rating',
                        'type': 'varchar',
                        'nullable': true,
                        'enum': ['good', 'bad', 'offered'],
                    },
                    {'name': '_loaded_at', 'type': 'timestamp', 'nullable': false},
                ],
            },
            {
                'name': 'zs_prompt_logs',
                'contract': {
                    'key': 'prompt_id',
                    'references': ['ticket_id', 'draft_id'],
                    'tie_breakers': [],
                    'event_timestamp': 'logged_at',
                    'lateness_allowance_hours': 6,
                    'expected_before_pilot': false,
                    'base_model': 'base_copilot__prompt_logs',
                    'staged_model': 'stg_copilot__prompt_logs',
                    'row_rules': [],
                },
                'columns': [
                    {'name': 'prompt_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'ticket_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'draft_id', 'type': 'varchar', 'nullable': true},
                    {'name': 'logged_at', 'type': 'timestamp', 'nullable': false},
                    {'name': 'processing_region', 'type': 'varchar', 'nullable': false},
                    {'name': 'model', 'type': 'varchar', 'nullable': false},
                    {'name': 'prompt_template_version', 'type': 'varchar', 'nullable': false},
                    {
                        'name': 'input_tokens',
                        'type': 'integer',
                        'nullable': false,
                        'range': 'non_negative',
                        'plausible_max': 'max_tokens',
                    },
                    {
                        'name': 'output_tokens',
                        'type': 'integer',
                        'nullable': false,
                        'range': 'non_negative',
                        'plausible_max': 'max_tokens',
                    },
                    {
                        'name': 'latency_ms',
                        'type': 'integer',
                        'nullable': false,
                        'range': 'non_negative',
                        'plausible_max': 'max_latency_ms',
                    },
                    {
                        'name': 'status',
                        'type': 'varchar',
                        'nullable': false,
                        'enum': ['ok', 'error', 'timeout', 'filtered'],
                    },
                    {'name': 'pii_detected', 'type': 'boolean', 'nullable': false},
                    {'name': 'pii_redacted', 'type': 'boolean', 'nullable': false},
                    {'name': 'jailbreak_flag', 'type': 'boolean', 'nullable': false},
                    {'name': 'prompt_text', 'type': 'varchar', 'nullable': true},
                    {'name': '_loaded_at', 'type': 'timestamp', 'nullable': false},
                ],
            },
            {
                'name': 'zs_draft_confidence',
                'contract': {
                    'key': 'draft_id',
                    'references': ['ticket_id', 'prompt_id'],
                    'tie_breakers': [],
                    'event_timestamp': 'drafted_at',
                    'lateness_allowance_hours': 6,
                    'expected_before_pilot': false,
                    'base_model': 'base_copilot__draft_confidence',
                    'staged_model': 'stg_copilot__draft_confidence',
                    'row_rules': [],
                },
                'columns': [
                    {'name': 'draft_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'ticket_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'prompt_id', 'type': 'varchar', 'nullable': false},
                    {'name': 'intent', 'type': 'varchar', 'nullable': false},
                    {'name': 'confidence_score', 'type': 'double', 'nullable': false, 'range': 'unit_interval'},
                    {'name': 'drafted_at', 'type': 'timestamp', 'nullable': false},
                    {
                        'name': 'suggestion_mode',
                        'type': 'varchar',
                        'nullable': false,
                        'enum': ['auto_suggest', 'human_review', 'suppressed'],
                    },
                    {
                        'name': 'agent_action',
                        'type': 'varchar',
                        'nullable': true,
                        'enum': ['accepted', 'edited', 'rejected'],
                    },
                    {'name': 'edit_distance_ratio', 'type': 'double', 'nullable': true, 'range': 'unit_interval'},
                    {'name': 'sent_at', 'type': 'timestamp', 'nullable': true},
                    {'name': '_loaded_at', 'type': 'timestamp', 'nullable': false},
                ],
            },
        ],
    } -%}
    {{ return(view) }}
{% endmacro %}
