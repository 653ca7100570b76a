"""The metric registry (dbt_project.yml vars.metric_registry) is the one definition of each KPI:
the semantic layer pairs the same measures, the SQL reads it only through its macros, and the
brief and report take their pairs from it."""

from __future__ import annotations

import re

import yaml

from copilot_governance.metric_registry import load_registry
from pytests.dbt_runner import PROJECT_ROOT


def _semantic_metrics() -> dict[str, dict]:
    metrics = yaml.safe_load((PROJECT_ROOT / "models/semantic/_semantic__metrics.yml").read_text())["metrics"]
    return {m["name"]: m for m in metrics}


def test_the_semantic_layer_pairs_what_the_registry_pairs():
    semantic = _semantic_metrics()
    registry = load_registry(PROJECT_ROOT)
    assert registry.metrics, "the registry is empty"
    for metric in registry.metrics.values():
        assert metric.name in semantic, f"the semantic layer lacks {metric.name}"
        spec = semantic[metric.name]
        if metric.scale == 1:
            assert spec["type"] == "ratio", metric.name
            params = spec["type_params"]
            assert (params["numerator"], params["denominator"]) == (metric.numerator, metric.denominator), metric.name
        else:
            # a scaled ratio is a derived metric: scale * numerator / denominator
            assert spec["type"] == "derived", metric.name
            params = spec["type_params"]
            assert params["metrics"] == [metric.numerator, metric.denominator], metric.name
            expr = re.sub(r"\s+", " ", params["expr"])
            assert expr == f"{metric.scale:g}.0 * {metric.numerator} / nullif({metric.denominator}, 0)", metric.name
        for measure in (metric.numerator, metric.denominator):
            assert semantic[measure]["type_params"] == {"measure": measure}, measure


def test_a_disagreeing_semantic_layer_is_caught(tmp_path):
    (tmp_path / "dbt_project.yml").write_text(
        (PROJECT_ROOT / "dbt_project.yml")
        .read_text()
        .replace(
            "{metric: fcr_rate, numerator: fcr_tickets, denominator: agent_tickets_solved",
            "{metric: fcr_rate, numerator: fcr_tickets, denominator: tickets_solved",
        )
    )
    registry = load_registry(tmp_path)
    params = _semantic_metrics()["fcr_rate"]["type_params"]
    assert (params["numerator"], params["denominator"]) != (
        registry.metric("fcr_rate").numerator,
        registry.metric("fcr_rate").denominator,
    )


def test_every_metric_divides_measures_of_the_registry():
    registry = load_registry(PROJECT_ROOT)
    for metric in registry.metrics.values():
        assert {metric.numerator, metric.denominator} <= set(registry.measures), metric.name
        assert metric.interval in {"wilson", "mean"}
    for measure in registry.measures.values():
        assert measure.aggregation in {"count_all", "count_true", "count", "sum"}
        assert (measure.column is None) == (measure.aggregation == "count_all"), measure.name


def test_the_sql_writes_no_numerator_denominator_pair_of_its_own():
    """A KPI's pair appears in SQL only through the registry's macros: no model or macro divides a
    registry numerator by its denominator itself."""
    registry = load_registry(PROJECT_ROOT)
    pairs = [(m.numerator, m.denominator) for m in registry.metrics.values()]
    for path in [*PROJECT_ROOT.glob("models/**/*.sql"), *PROJECT_ROOT.glob("macros/**/*.sql")]:
        text = path.read_text()
        for numerator, denominator in pairs:
            pattern = rf"\(\s*'[\w.]*{numerator}'\s*,\s*'[\w.]*{denominator}'"
            assert not re.search(pattern, text), f"{path.relative_to(PROJECT_ROOT)} divides {numerator}/{denominator}"


def test_the_value_is_scale_times_the_ratio_and_none_without_a_denominator():
    registry = load_registry(PROJECT_ROOT)
    csat = registry.metric("csat_pct")
    assert csat.value(8, 10) == 80.0
    assert csat.value(0, 0) is None
    assert registry.metric("aht_seconds").value(None, 3) is None
