{#-
    The rollback gate and the advisory checks are singular data tests over rollback_status /
    advisory_status that return the rows of one rule (or signal) firing in this run.

    Severity comes from the data at run time: each returned row carries the `severity` this
    build gives it (rollback_status: error only for a firing that fails this build under the
    nightly's duty, see rollback_runs; advisory_status: the seed's). dbt decides a test's outcome
    from two SQL conditions on the failing rows (warn_if, error_if), so the tests are declared
    with severity error, warn_if '!= 0' and an error_if that is true only when a returned row's
    severity is error. Failing rows are stored (store_failures) in the audit schema, one table
    per test, and printed on the console by report_governance_firings (on-run-end).
-#}
{% macro gate_test_config(tag='rollback_gate') %}
    {{ return({
        'severity': 'error',
        'warn_if': '!= 0',
        'error_if': "!= 0 and max(case when severity = 'error' then 1 else 0 end) = 1",
        'store_failures': true,
        'tags': [tag],
    }) }}
{% endmacro %}


{#- The rows of rule_name in a status relation (rollback_status or advisory_status): its firings. -#}
{% macro gate_failures(status_relation, rule_column, rule_name) %}
    select *
    from {{ status_relation }}
    where {{ rule_column }} = '{{ rule_name }}'
{% endmacro %}


{#-
    The one-line message of a firing, for the console, the stored failures and the brief:
    rule, scope, night (and whether provisional), observed value against limit, reason, action, and
    the owner role to notify (issue 11: the playbook's owners). Arguments are SQL expressions.
-#}
{% macro firing_message(
    rule, scope, night, is_provisional, observed_value, comparison, limit_value, reason, action, owner_role
) %}
    {%- set as_text = dbt.type_string() -%}
    {{ dbt.concat([
        rule, "' fired for '", scope,
        "' (night '", 'cast(' ~ night ~ ' as ' ~ as_text ~ ')',
        "case when " ~ is_provisional ~ " then ', provisional' else '' end", "'): '",
        "case when " ~ reason ~ " is not null and " ~ rule ~ " = 'data_completeness' then " ~ reason ~ " else "
        ~ "'observed ' || coalesce(cast(round(" ~ observed_value ~ ", 4) as " ~ as_text ~ "), 'none')"
        ~ " || case when " ~ comparison ~ " = 'less_than' then ' < limit ' else ' > limit ' end"
        ~ " || coalesce(cast(round(" ~ limit_value ~ ", 4) as " ~ as_text ~ "), 'none') end",
        "'; action: '", action,
        "'; notify: '", 'coalesce(' ~ owner_role ~ ", 'no owner configured')",
    ]) }}
{%- endmacro %}


{#-
    on-run-end: print, for every gate or advisory test that failed or warned, each stored firing's
    message, so an operator reads what fired without a query. Needs the tests' store_failures.
-#}
{% macro report_governance_firings(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set lines = [] -%}
    {%- for result in results -%}
        {%- set node = result.node -%}
        {%- if node.resource_type == 'test' and result.status in ['fail', 'warn']
            and ('rollback_gate' in node.tags or 'advisory' in node.tags) and node.relation_name -%}
            {%- set rows = run_query('select severity, message from ' ~ node.relation_name ~ ' order by message') -%}
            {%- for row in rows -%}
                {%- do lines.append((row[0] | upper) ~ ' ' ~ row[1]) -%}
            {%- endfor -%}
        {%- elif node.resource_type == 'test' and result.status in ['fail', 'warn']
            and 'retro_governance' in node.tags and node.relation_name -%}
            {#- the retro playbook's rules (tests/retro/): rule, subject, what is wrong -#}
            {%- set rows = run_query(
                'select check_name, subject, detail from ' ~ node.relation_name ~ ' order by subject'
            ) -%}
            {%- set level = 'ERROR' if result.status == 'fail' else 'WARN' -%}
            {%- for row in rows -%}
                {%- do lines.append(level ~ ' retro ' ~ row[0] ~ ' for ' ~ row[1] ~ ': ' ~ row[2]) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if lines -%}
        {{ log('Governance firings of this run (' ~ (lines | length) ~ '):', info=true) }}
        {%- for line in lines -%}
            {{ log('  ' ~ line, info=true) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
