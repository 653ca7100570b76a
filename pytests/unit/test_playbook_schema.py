"""The retro playbook's schema and rule conditions (issue 11, first step): the shared playbook
validates, its conditions parse into the rules the seeds hold, and every kind of mistake is named by
its YAML path."""

from __future__ import annotations

import copy
import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from copilot_governance.playbook.conditions import parse_condition
from copilot_governance.playbook.schema import PlaybookError, load_playbook, validate_playbook
from pytests.dbt_runner import PROJECT_ROOT

SHARED_PLAYBOOK = PROJECT_ROOT.parent / "shared" / "playbooks" / "support-ai-pilot-retro-v1.4.yml"
CLI = str(Path(sys.executable).with_name("copilot-governance"))


@pytest.fixture(scope="module")
def raw_playbook() -> dict:
    return yaml.safe_load(SHARED_PLAYBOOK.read_text())


def test_the_shared_playbook_validates_with_its_values(raw_playbook):
    book = load_playbook(SHARED_PLAYBOOK)
    assert (book.playbook, book.version) == ("Support AI Pilot Retrospective", "1.4")
    assert set(book.owners) == {"chair", "qa_lead", "llm_safety_officer", "data_engineer", "knowledge_owner"}
    assert (book.pilot.queues, book.pilot.regions, book.pilot.channels) == (
        ["billing", "shipping-updates"],
        ["NA", "EU"],
        ["email", "chat"],
    )
    assert book.telemetry.data_residency == {"NA": "us-east", "EU": "westeurope"}
    assert book.telemetry.retention_days == 30
    assert book.metrics.baselines.AHT_seconds == {"billing": 590, "shipping-updates": 520}
    assert book.metrics.targets.CSAT_min == 80.0 and book.metrics.targets.escalation_max == 0.14
    assert book.thresholds.by_intent["billing_refund"].suggest_min_conf == 0.85
    assert book.thresholds.by_intent["shipping_status"].require_human_review_below == 0.80
    assert book.artifacts.evidence_sources.slack_channel == "#support-ai-pilot"
    assert book.training_updates.due_within_hours == 72


def test_conditions_parse_into_the_rules_the_seed_holds():
    """Each of the playbook's conditions configures exactly the rule row of seeds/governance/rollback_rules.csv."""
    with (PROJECT_ROOT / "seeds" / "governance" / "rollback_rules.csv").open() as f:
        seed = {r["rule"]: r for r in csv.DictReader(f)}
    book = load_playbook(SHARED_PLAYBOOK)
    parsed = {rule.rule: rule for _, rule in book.rule_conditions()}
    assert set(parsed) == {"residency_violation", "csat_drop", "confidence_drift", "escalation_breach"}
    for name, rule in parsed.items():
        row = seed[name]
        assert rule.comparison == row["comparison"], name
        assert rule.limit_source_metric == (row["limit_source_metric"] or None), name
        assert rule.limit_value == (float(row["limit_value"]) if row["limit_value"] else None), name
        assert rule.limit_factor == float(row["limit_factor"]), name
        assert rule.current_window_days == int(row["current_window_days"]), name


@pytest.mark.parametrize(
    ("text", "rule", "limit", "factor", "days"),
    [
        ("confidence_drift > 0.2 over 48h", "confidence_drift", 0.2, 1.0, 2),
        ("  escalation_rate >  target * 1.5 ", "escalation_breach", None, 1.5, 3),
        ("rolling_7day_csat < CSAT_min", "csat_drop", None, 1.0, 7),
    ],
)
def test_condition_numbers_are_read(text, rule, limit, factor, days):
    parsed = parse_condition(text)
    assert (parsed.rule, parsed.limit_value, parsed.limit_factor, parsed.current_window_days) == (
        rule,
        limit,
        factor,
        days,
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ["thresholds", "by_intent", "billing_refund", "suggest_min_conf"],
            1.3,
            "thresholds.by_intent.billing_refund.suggest_min_conf: 1.3 is not between 0 and 1",
        ),
        (
            ["thresholds", "by_intent", "shipping_status", "require_human_review_below"],
            0.5,
            "thresholds.by_intent.shipping_status.require_human_review_below: 0.5 is below suggest_min_conf 0.72",
        ),
        (["rollbacks", "conditions", 1], "escalation_rate >= target", "rollbacks.conditions[1]: unknown condition"),
        (
            ["thresholds", "anomaly_triggers", 0, "condition"],
            "ticket.region == prompt.region",
            "thresholds.anomaly_triggers[0].condition: unknown condition 'ticket.region == prompt.region'",
        ),
        (["rollbacks", "conditions", 0], "confidence_drift > 0.12 over 30h", "the window must be whole days"),
        (["metrics", "targets", "CSAT_min"], 120, "metrics.targets.CSAT_min: 120 is outside the allowed range"),
        (["metrics", "baselines", "AHT_seconds", "billing"], -5, "baselines.AHT_seconds.billing: -5 is negative"),
        (["telemetry", "retention_days"], 0, "telemetry.retention_days: 0 is outside the allowed range"),
        (["pilot", "regions"], ["eu"], "pilot.regions[0]: 'eu' does not have the expected form"),
        (["pilot", "queus"], ["billing"], "pilot.queus: is not a key this playbook format knows"),
        (["approval_steps", 2, "owner"], "cab", "approval_steps: step [2] names owner 'cab', which is not a role"),
        (["artifacts", "evidence_sources", "slack_channel"], "support-ai", "slack_channel: 'support-ai' does not"),
    ],
)
def test_every_mistake_names_its_yaml_path(raw_playbook, path, value, message):
    data = copy.deepcopy(raw_playbook)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(PlaybookError) as exc:
        validate_playbook(data)
    assert any(message in problem for problem in exc.value.problems), exc.value.problems


def test_a_missing_section_and_several_problems_are_all_reported(raw_playbook):
    data = copy.deepcopy(raw_playbook)
    del data["pilot"]
    data["version"] = ""
    with pytest.raises(PlaybookError) as exc:
        validate_playbook(data)
    assert "pilot: is missing" in exc.value.problems
    assert any(p.startswith("version:") for p in exc.value.problems)


def test_cli_validate_exit_codes(raw_playbook, tmp_path):
    ok = subprocess.run([CLI, "playbook", "validate", str(SHARED_PLAYBOOK)], capture_output=True, text=True)
    assert ok.returncode == 0 and "version 1.4: valid" in ok.stdout
    assert "'escalation_rate > target * 1.3' -> rule escalation_breach" in ok.stdout
    bad = copy.deepcopy(raw_playbook)
    bad["thresholds"]["by_intent"]["billing_refund"]["suggest_min_conf"] = 1.3
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(bad))
    failed = subprocess.run([CLI, "playbook", "validate", str(path)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "thresholds.by_intent.billing_refund.suggest_min_conf: 1.3 is not between 0 and 1" in failed.stderr
    missing = subprocess.run([CLI, "playbook", "validate", str(tmp_path / "none.yml")], capture_output=True, text=True)
    assert missing.returncode == 1 and "cannot be read" in missing.stderr


def test_two_conditions_for_one_rule_are_an_error():
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["rollbacks"]["conditions"].append("confidence_drift > 0.2 over 48h")
    with pytest.raises(PlaybookError, match="both configure rule confidence_drift; keep one"):
        validate_playbook(data)
