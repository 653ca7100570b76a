{#-
    The metric registry (dbt_project.yml, vars.metric_registry): each KPI's numerator, denominator,
    scale, interval and direction, written once. Every model that computes a KPI builds its SQL
    from these macros. The registry is project code: its names are checked to be plain
    identifiers and its choices to be known ones before any SQL is written from them.
-#}
{% macro metric_registry() %}
    {%- set registry = var('metric_registry') -%}
    {%- set aggregations = ['count_all', 'count_true', 'count', 'sum'] -%}
    {%- set measures = {} -%}
    {%- for spec in registry.measures -%}
        {%- do _registry_check_identifier(spec.measure, 'measure') -%}
        {%- if spec.aggregation not in aggregations -%}
            {{ exceptions.raise_compiler_error(
                "metric_registry: measure " ~ spec.measure ~ " has aggregation '" ~ spec.aggregation
                ~ "'; expected one of " ~ aggregations | join(', ') ~ ".") }}
        {%- endif -%}
        {%- if spec.aggregation != 'count_all' -%}
            {%- do _registry_check_identifier(spec.column, 'column of measure ' ~ spec.measure) -%}
        {%- endif -%}
        {%- do measures.update({spec.measure: spec}) -%}
    {%- endfor -%}
    {%- set metrics = {} -%}
    {%- for spec in registry.metrics -%}
        {%- do _registry_check_identifier(spec.metric, 'metric') -%}
        {%- for side in ['numerator', 'denominator'] if spec[side] not in measures -%}
            {{ exceptions.raise_compiler_error(
                "metric_registry: the " ~ side ~ " of " ~ spec.metric ~ " (" ~ spec[side]
                ~ ") is not a measure of the registry.") }}
        {%- endfor -%}
        {%- if spec.interval not in ['wilson', 'mean'] or spec.scale not in [1, 100] -%}
            {{ exceptions.raise_compiler_error(
                "metric_registry: " ~ spec.metric ~ " needs interval wilson or mean and scale 1 or 100.") }}
        {%- endif -%}
        {%- do metrics.update({spec.metric: spec}) -%}
    {%- endfor -%}
    {{ return({'measures': measures, 'metrics': metrics}) }}
{% endmacro %}


{% macro _registry_check_identifier(name, what) %}
    {%- if not (name is string and modules.re.fullmatch('[a-z_][a-z0-9_]*', name)) -%}
        {{ exceptions.raise_compiler_error("metric_registry: " ~ what ~ " '" ~ name ~ "' is not a plain identifier.") }}
    {%- endif -%}
{% endmacro %}


{#- One metric of the registry (its numerator, denominator, scale, interval, direction). -#}
{% macro registry_metric(metric) %}
    {%- set metrics = metric_registry().metrics -%}
    {%- if metric not in metrics -%}
        {{ exceptions.raise_compiler_error("metric_registry: no metric " ~ metric ~ ".") }}
    {%- endif -%}
    {{ return(metrics[metric]) }}
{% endmacro %}


{#- The metrics of the registry that have `flag` set (on_scorecard, compared_with_control, is_lower_better). -#}
{% macro registry_metric_names(flag=none) %}
    {%- set names = [] -%}
    {%- for name, spec in metric_registry().metrics.items() if flag is none or spec[flag] -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- A measure as an aggregate over ticket rows: `<aggregate> as <measure>`, bigint. -#}
{% macro metric_measure_sql(measure) %}
    {%- set spec = metric_registry().measures[measure] -%}
    {%- if spec.aggregation == 'count_all' -%}
        {%- set aggregate = 'count(*)' -%}
    {%- elif spec.aggregation == 'count_true' -%}
        {%- set aggregate = count_where(spec.column) -%}
    {%- elif spec.aggregation == 'count' -%}
        {%- set aggregate = 'count(' ~ spec.column ~ ')' -%}
    {%- else -%}
        {%- set aggregate = 'cast(sum(' ~ spec.column ~ ') as ' ~ dbt.type_bigint() ~ ')' -%}
    {%- endif -%}
    {{ return(aggregate ~ ' as ' ~ measure) }}
{% endmacro %}


{#- Every measure of the registry as a select list (one `<aggregate> as <measure>` per line). -#}
{% macro metric_measures_sql() %}
    {%- set lines = [] -%}
    {%- for measure in metric_registry().measures -%}
        {%- do lines.append(metric_measure_sql(measure)) -%}
    {%- endfor -%}
    {{ return(lines | join(',\n        ')) }}
{% endmacro %}


{#-
    A metric's value from its numerator and denominator columns (`prefix` and `suffix` added to
    both names, e.g. suffix '_at_or_above'): scale * numerator / denominator, null when the
    denominator is 0 or null.
-#}
{% macro metric_value_sql(metric, prefix='', suffix='') %}
    {%- set spec = registry_metric(metric) -%}
    {%- set value = safe_divide(prefix ~ spec.numerator ~ suffix, prefix ~ spec.denominator ~ suffix) -%}
    {{ return((spec.scale ~ ' * ' ~ value) if spec.scale != 1 else value) }}
{% endmacro %}


{#-
    A bound (-1 lower, 1 upper) of a metric's interval: Wilson for a proportion; for a mean, the
    normal interval from `stddev` (the sample stddev of the numerator's column, a column name).
    prefix and suffix as for metric_value_sql.
-#}
{% macro metric_bound_sql(metric, side, prefix='', suffix='', stddev=none) %}
    {%- set spec = registry_metric(metric) -%}
    {%- set numerator, denominator = prefix ~ spec.numerator ~ suffix, prefix ~ spec.denominator ~ suffix -%}
    {%- if spec.interval == 'mean' -%}
        {%- if stddev is none -%}
            {{ exceptions.raise_compiler_error("metric_bound_sql: " ~ metric ~ " is a mean: pass its stddev column.") }}
        {%- endif -%}
        {{ return(mean_interval_bound(metric_value_sql(metric, prefix, suffix), stddev, denominator, side)) }}
    {%- elif side == -1 -%}
        {{ return(wilson_lower(numerator, denominator, spec.scale)) }}
    {%- else -%}
        {{ return(wilson_upper(numerator, denominator, spec.scale)) }}
    {%- endif -%}
{% endmacro %}


{#-
    A metric over ticket rows for a per-ticket analysis (the control comparison's cluster sums):
    population = the SQL condition for a ticket counted in the denominator, y = the ticket's
    contribution to the numerator, scaled (X = 1 for every ticket of the population).
-#}
{% macro metric_ticket_terms(metric) %}
    {%- set registry = metric_registry() -%}
    {%- set spec = registry.metrics[metric] -%}
    {%- set denominator = registry.measures[spec.denominator] -%}
    {%- set numerator = registry.measures[spec.numerator] -%}
    {%- if denominator.aggregation == 'count_true' -%}
        {%- set population = denominator.column -%}
    {%- elif denominator.aggregation == 'count' -%}
        {%- set population = denominator.column ~ ' is not null' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "metric_ticket_terms: the denominator of " ~ metric ~ " is not a count of tickets."
        ) }}
    {%- endif -%}
    {%- if numerator.aggregation == 'count_true' -%}
        {%- set y = 'case when ' ~ numerator.column ~ ' then ' ~ spec.scale ~ ' else 0 end' -%}
    {%- elif numerator.aggregation == 'sum' -%}
        {%- set y = ((spec.scale ~ ' * ') if spec.scale != 1 else '') ~ numerator.column -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "metric_ticket_terms: the numerator of " ~ metric ~ " is not a count or sum."
        ) }}
    {%- endif -%}
    {{ return({'metric': metric, 'population': population, 'y': y, 'is_lower_better': spec.is_lower_better}) }}
{% endmacro %}


{#- The registry's metrics where lower is better, as a SQL list of literals ('a', 'b'). -#}
{% macro lower_is_better_metrics_sql() %}
    {{- return("'" ~ (registry_metric_names('is_lower_better') | join("', '")) ~ "'") -}}
{% endmacro %}
