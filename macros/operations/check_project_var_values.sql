{#-
    dbt run-operation check_project_var_values --args '{cases: [{name: raw_schema, value: "x;"}, ...]}'
    Checks each value against its var's spec, as a --vars or env var value would be, in one
    invocation (the hostile-input tests throw hundreds of strings at every var that reaches SQL).
    Logs one JSON line, prefixed CHECK_PROJECT_VAR_VALUES: for each case, whether it was accepted,
    the validated value or the message, and for an accepted identifier the relation it names,
    quoted the adapter's way.
-#}
{% macro check_project_var_values(cases) %}
    {%- set results = [] -%}
    {%- for case in cases -%}
        {%- set spec = project_var_spec(case.name) -%}
        {%- set checked = project_var_check(spec, case.value, "var '" ~ case.name ~ "'") -%}
        {%- set result = {'name': case.name, 'value': case.value, 'accepted': not checked.error} -%}
        {%- if checked.error -%}
            {%- do result.update({'message': checked.error}) -%}
        {%- else -%}
            {%- do result.update({'validated': checked.value | string}) -%}
            {%- if spec.type == 'identifier' -%}
                {%- do result.update({'relation': api.Relation.create(
                    database=target.database, schema=checked.value, identifier='zs_prompt_logs') | string}) -%}
            {%- endif -%}
        {%- endif -%}
        {%- do results.append(result) -%}
    {%- endfor -%}
    {%- do log('CHECK_PROJECT_VAR_VALUES:' ~ tojson(results), info=true) -%}
{% endmacro %}
