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
{% macro gate_test_config() %}
    {{ return({
        'severity': 'error',
        'warn_if': '!= 0',
        'error_if': "!= 0 and max(case when severity = 'error' then 1 else 0 end) = 1",
        'store_failures': true,
        'tags': ['rollback_gate'],
    }) }}
{% endmacro %}


{#- The rows of rule_name in a status relation (rollback_status or advisory_status), i.e. its firings. -#}
{% macro gate_failures(status_relation, rule_column, rule_name) %}
    select *
    from {{ status_relation }}
    where {{ rule_column }} = '{{ rule_name }}'
{% endmacro %}
