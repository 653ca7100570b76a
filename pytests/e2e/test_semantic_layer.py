"""The dbt semantic layer (models/semantic): `dbt parse` validates it with dbt-semantic-interfaces and
writes target/semantic_manifest.json, which must carry every metric of the contract's ticket and
copilot tables (shared/contract/metrics.md, written out again below), each described by its docs
block of models/docs/metrics.md, with its numerator and denominator. Parse only: no data needed."""

from __future__ import annotations

import json
import re

import pytest

from pytests.dbt_runner import PROJECT_ROOT, run_dbt

# shared/contract/metrics.md, "Ticket outcome metrics" and "Copilot metrics", in table order.
TICKET_METRICS = [
    "tickets_solved",
    "agent_tickets_solved",
    "aht_seconds",
    "csat_pct",
    "fcr_rate",
    "escalation_rate",
    "deflection_rate",
    "reopen_rate",
]
COPILOT_METRICS = [
    "drafts",
    "drafts_shown",
    "drafts_decided",
    "draft_acceptance_rate",
    "coverage_rate",
    "draft_latency_p95_ms",
    "error_rate",
    "cost_usd",
    "cost_per_solved_ticket_usd",
]
CONTRACT_METRICS = TICKET_METRICS + COPILOT_METRICS
# Rates of the contract: a ratio metric (numerator over denominator, null on a zero denominator).
RATIO_METRICS = {
    "aht_seconds",
    "fcr_rate",
    "escalation_rate",
    "deflection_rate",
    "reopen_rate",
    "draft_acceptance_rate",
    "coverage_rate",
    "error_rate",
}


def docs_blocks() -> dict[str, str]:
    """name -> text of every docs block of models/docs/metrics.md."""
    text = (PROJECT_ROOT / "models" / "docs" / "metrics.md").read_text()
    pattern = r"\{%-?\s*docs\s+(\w+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}"
    return {name: body.strip() for name, body in re.findall(pattern, text, flags=re.S)}


def missing_metrics(expected: list[str], semantic_manifest: dict) -> set[str]:
    return set(expected) - {metric["name"] for metric in semantic_manifest["metrics"]}


@pytest.fixture(scope="module")
def semantic_manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("semantic_layer")
    result = run_dbt(["parse"], work / "parse.duckdb", work, timeout=300)
    assert result.returncode == 0, result.output[-6000:]
    path = work / "target" / "semantic_manifest.json"
    assert path.is_file(), "dbt parse wrote no semantic_manifest.json"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def metrics(semantic_manifest) -> dict[str, dict]:
    return {metric["name"]: metric for metric in semantic_manifest["metrics"]}


@pytest.fixture(scope="module")
def measures(semantic_manifest) -> dict[str, dict]:
    found = {}
    for model in semantic_manifest["semantic_models"]:
        for measure in model["measures"]:
            assert measure["name"] not in found, f"measure {measure['name']} defined twice"
            found[measure["name"]] = {**measure, "semantic_model": model["name"]}
    return found


def test_every_contract_metric_is_in_the_semantic_layer(semantic_manifest):
    assert missing_metrics(CONTRACT_METRICS, semantic_manifest) == set()


def test_the_set_comparison_can_fail(semantic_manifest):
    without_csat = {
        **semantic_manifest,
        "metrics": [m for m in semantic_manifest["metrics"] if m["name"] != "csat_pct"],
    }
    assert missing_metrics(CONTRACT_METRICS, without_csat) == {"csat_pct"}


@pytest.mark.parametrize("name", CONTRACT_METRICS)
def test_metric_is_described_by_its_docs_block_and_labelled(metrics, name):
    block = docs_blocks()[f"metric_{name}"]
    metric = metrics[name]
    assert metric["description"].strip(), f"{name}: empty description"
    assert block in metric["description"], f"{name}: description is not the docs block metric_{name}"
    assert (metric.get("label") or "").strip(), f"{name}: no label"


def _input_metric(metrics: dict, measures: dict, name: str) -> dict:
    """The simple metric `name` and the measure it aggregates, which must exist."""
    assert name in metrics, f"input metric {name} does not exist"
    metric = metrics[name]
    assert metric["type"] == "simple", f"input metric {name} is {metric['type']}, not simple"
    measure = metric["type_params"]["measure"]["name"]
    assert measure in measures, f"input metric {name}: measure {measure} does not exist"
    return measures[measure]


@pytest.mark.parametrize("name", sorted(RATIO_METRICS))
def test_ratio_metric_has_existing_numerator_and_denominator_measures(metrics, measures, name):
    metric = metrics[name]
    assert metric["type"] == "ratio", f"{name} is {metric['type']}"
    numerator = _input_metric(metrics, measures, metric["type_params"]["numerator"]["name"])
    denominator = _input_metric(metrics, measures, metric["type_params"]["denominator"]["name"])
    # Numerator and denominator count over the same rows and the same day.
    assert numerator["semantic_model"] == denominator["semantic_model"], name


def test_csat_pct_is_100_times_good_over_responses(metrics, measures):
    metric = metrics["csat_pct"]
    assert metric["type"] == "derived"
    inputs = {m["name"] for m in metric["type_params"]["metrics"]}
    assert inputs == {"csat_good_responses", "csat_responses"}
    for name in inputs:
        _input_metric(metrics, measures, name)
    expr = metric["type_params"]["expr"].replace(" ", "")
    assert expr == "100.0*csat_good_responses/nullif(csat_responses,0)", expr


def test_cost_metrics_are_null_when_a_call_is_unpriced(metrics, measures):
    for name, unpriced in [
        ("cost_usd", "unpriced_model_calls"),
        ("cost_per_solved_ticket_usd", "solved_ticket_unpriced_model_calls"),
    ]:
        metric = metrics[name]
        assert metric["type"] == "derived", name
        inputs = {m["name"] for m in metric["type_params"]["metrics"]}
        assert unpriced in inputs, name
        for input_name in inputs:
            _input_metric(metrics, measures, input_name)
        assert f"case when {unpriced} = 0 then" in metric["type_params"]["expr"], name


def test_draft_latency_p95_is_an_exact_continuous_percentile_of_ok_calls(metrics, measures):
    measure = _input_metric(metrics, measures, "draft_latency_p95_ms")
    assert measure["agg"] == "percentile"
    params = measure["agg_params"]
    assert params["percentile"] == 0.95
    assert not params["use_discrete_percentile"] and not params["use_approximate_percentile"]
    assert measure["expr"] == "case when is_ok then latency_ms end"


def test_semantic_models_attribute_metrics_to_the_contract_days(semantic_manifest):
    models = {m["name"]: m for m in semantic_manifest["semantic_models"]}
    days = {m["node_relation"]["alias"]: m["defaults"]["agg_time_dimension"] for m in models.values()}
    assert days == {"fct_tickets": "solved_date", "fct_drafts": "drafted_date", "fct_model_calls": "call_date"}
    tickets = {d["name"] for d in models["tickets"]["dimensions"]}
    assert {"queue", "region", "intent", "is_copilot_enabled", "channel"} <= tickets


def test_daily_time_spine_is_configured(semantic_manifest):
    spines = semantic_manifest["project_configuration"]["time_spines"]
    assert [(s["node_relation"]["alias"], s["primary_column"]) for s in spines] == [
        ("metricflow_time_spine", {"name": "date_day", "time_granularity": "day"})
    ]
