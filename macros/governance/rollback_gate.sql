{#-
    The rollback gate and the advisory checks are singular data tests over rollback_status /
    advisory_status that return the rows of one rule (or signal) firing on the as-of day.

    Severity comes from configuration at run time: each returned row carries the `severity` of
    its rule from the seed (rollback_rules.csv / advisory_signals.csv). dbt decides a test's
    outcome from two SQL conditions on the failing rows (warn_if, error_if), so the tests are
    declared with severity error, warn_if '!= 0' and an error_if that is true only when a returned
    row's configured severity is error. A rule configured `warn` therefore warns (exit 0) and a
    rule configured `error` fails the build, without the severity being written in the test.
    Failing rows are stored (store_failures) in the audit schema, one table per test.
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


{#-
    The rows of rule_name in a status relation (rollback_status or advisory_status), i.e. its
    firings, each with a one-line message for the operator: rule, scope, observed vs limit, action.
-#}
{% macro gate_failures(status_relation, rule_column, rule_name) %}
    {%- set observed = "cast(round(observed_value, 4) as " ~ dbt.type_string() ~ ")" -%}
    {%- set limit = "cast(round(limit_value, 4) as " ~ dbt.type_string() ~ ")" -%}
    select
        *,
        {{ dbt.concat([
            rule_column, "' fired for '", 'scope', "': observed '", observed,
            "case when comparison = 'less_than' then ' < limit ' else ' > limit ' end",
            limit, "'; action: '", 'action',
        ]) }} as message
    from {{ status_relation }}
    where {{ rule_column }} = '{{ rule_name }}'
{% endmacro %}
