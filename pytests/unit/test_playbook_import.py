"""`copilot-governance playbook import` (issue 11, second step): the shared playbook's values are the
seeds' values (a re-import changes nothing), another playbook's values land in the seeds exactly,
thresholds take effect from --valid-from closing the rows they replace, --dry-run writes nothing."""

from __future__ import annotations

import copy
import csv
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from copilot_governance.playbook.schema import PlaybookError, load_playbook, validate_playbook
from copilot_governance.playbook.seeds import plan_import, write
from pytests.dbt_runner import PROJECT_ROOT

SHARED_PLAYBOOK = PROJECT_ROOT.parent / "shared" / "playbooks" / "support-ai-pilot-retro-v1.4.yml"
CLI = str(Path(sys.executable).with_name("copilot-governance"))


@pytest.fixture
def seeds(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", target)
    (tmp_path / "models" / "docs").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "models" / "docs" / "playbook.md", tmp_path / "models" / "docs" / "playbook.md")
    return target


def rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_the_shared_playbook_is_what_the_seeds_hold(seeds):
    before = {p: p.read_bytes() for p in seeds.parent.rglob("*") if p.is_file()}
    plan = plan_import(load_playbook(SHARED_PLAYBOOK), seeds, date(2026, 12, 1))
    assert plan.changed() == [] and write(plan) == []
    assert {p: p.read_bytes() for p in seeds.parent.rglob("*") if p.is_file()} == before
    (book,) = rows(seeds / "playbook/playbook.csv")
    assert (book["playbook_name"], book["playbook_version"]) == ("Support AI Pilot Retrospective", "1.4")
    assert (book["slack_channel"], book["retention_days"], book["training_due_within_hours"]) == (
        "#support-ai-pilot",
        "30",
        "72",
    )
    # and each of its numbers is in the seeds (read back independently of the import code)
    baselines = {
        (r["queue"], r["metric"]): float(r["baseline_value"])
        for r in rows(seeds / "pilot/kpi_baselines.csv")
        if r["intent"] == "*" and r["region"] == "*"
    }
    assert baselines[("billing", "aht_seconds")] == 590 and baselines[("shipping-updates", "aht_seconds")] == 520
    assert baselines[("billing", "csat_pct")] == 79.0 and baselines[("shipping-updates", "csat_pct")] == 81.2
    assert baselines[("faq", "deflection_rate")] == 0.12 and baselines[("billing", "escalation_rate")] == 0.18
    targets = {r["metric"]: (r["comparison"], float(r["target_value"])) for r in rows(seeds / "pilot/kpi_targets.csv")}
    assert targets["aht_seconds"] == ("delta_pct_at_most", -0.10)
    assert targets["csat_pct"] == ("at_least", 80.0) and targets["escalation_rate"] == ("at_most", 0.14)
    assert targets["draft_latency_p95_ms"] == ("at_most", 3000) and targets["coverage_rate"] == ("at_least", 0.85)
    assert targets["draft_acceptance_rate"] == ("at_least", 0.60)
    residency = {
        (r["ticket_region"], r["allowed_processing_region"]) for r in rows(seeds / "governance/residency_policy.csv")
    }
    assert {("NA", "us-east"), ("EU", "westeurope")} <= residency
    scope = {(r["queue"], r["region"]) for r in rows(seeds / "pilot/pilot_scope.csv")}
    assert scope == {(q, r) for q in ("billing", "shipping-updates") for r in ("NA", "EU")}
    channels = [(r["pilot_id"], r["channel"]) for r in rows(seeds / "pilot/pilot_channels.csv")]
    assert channels == [("playbook_2026q4", "email"), ("playbook_2026q4", "chat")]
    assert "rollback_rules: data_completeness (not in the playbook)" in plan.kept
    owners = {r["role"]: r["owner"] for r in rows(seeds / "playbook/owners.csv")}
    # the playbook writes an en dash: kept as written
    assert owners["llm_safety_officer"] == "Compliance \N{EN DASH} AI Risk"
    assert owners["chair"] == "CS Ops Manager \N{EN DASH} North America"


def test_another_playbook_lands_in_the_seeds_exactly(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    other = copy.deepcopy(data)
    other["version"] = "2.0"
    other["owners"]["qa_lead"] = "Quality Lead - APAC"
    other["pilot"]["queues"] = ["billing", "returns"]
    other["pilot"]["regions"] = ["UK"]
    other["telemetry"]["data_residency"] = {"UK": "westeurope"}
    other["pilot"]["channels"] = ["chat", "voice"]
    # a key that is an intent is that intent's baseline, with its queue alongside
    other["metrics"]["baselines"]["AHT_seconds"] = {"returns": 610, "billing_refund": 640}
    other["metrics"]["targets"]["CSAT_min"] = 82.5
    other["thresholds"]["by_intent"]["billing_refund"] = {"suggest_min_conf": 0.8, "require_human_review_below": 0.88}
    other["rollbacks"]["conditions"] = ["confidence_drift > 0.1 over 48h", "escalation_rate > target * 1.5"]
    plan = plan_import(validate_playbook(other), seeds, date(2026, 12, 5))
    write(plan)
    scope = [(r["queue"], r["region"], r["expected_pilot_share"]) for r in rows(seeds / "pilot/pilot_scope.csv")]
    assert scope == [("billing", "UK", "0.5"), ("returns", "UK", "0.5")]
    residency = {
        r["ticket_region"]: r["allowed_processing_region"] for r in rows(seeds / "governance/residency_policy.csv")
    }
    assert residency["UK"] == "westeurope" and residency["NA"] == "us-east"  # NA kept: the playbook does not set it
    assert [r["channel"] for r in rows(seeds / "pilot/pilot_channels.csv")] == ["chat", "voice"]
    baselines = {
        (r["queue"], r["intent"], r["region"], r["metric"]): float(r["baseline_value"])
        for r in rows(seeds / "pilot/kpi_baselines.csv")
    }
    assert baselines[("returns", "*", "*", "aht_seconds")] == 610
    assert baselines[("billing", "*", "*", "aht_seconds")] == 590  # not in this playbook: kept
    assert baselines[("billing", "billing_refund", "*", "aht_seconds")] == 640
    assert "kpi_baselines: billing/* aht_seconds (not in the playbook)" in plan.kept
    targets = {r["metric"]: float(r["target_value"]) for r in rows(seeds / "pilot/kpi_targets.csv")}
    assert targets["csat_pct"] == 82.5
    thresholds = [r for r in rows(seeds / "pilot/intent_thresholds.csv") if r["intent"] == "billing_refund"]
    assert [(r["suggest_min_conf"], r["review_below_conf"], r["valid_from"], r["valid_to"]) for r in thresholds] == [
        ("0.85", "0.90", "2020-01-01", "2026-12-05"),
        ("0.8", "0.88", "2026-12-05", ""),
    ]
    rules = {r["rule"]: r for r in rows(seeds / "governance/rollback_rules.csv")}
    assert (rules["confidence_drift"]["limit_value"], rules["confidence_drift"]["current_window_days"]) == ("0.1", "2")
    assert rules["escalation_breach"]["limit_factor"] == "1.5"
    assert rules["csat_drop"]["current_window_days"] == "3"  # not in this playbook's conditions: kept
    assert {r["role"]: r["owner"] for r in rows(seeds / "playbook/owners.csv")}["qa_lead"] == "Quality Lead - APAC"
    (book,) = rows(seeds / "playbook/playbook.csv")
    assert book["playbook_version"] == "2.0"
    assert "version 2.0 (seed playbook)" in (seeds.parent / "models/docs/playbook.md").read_text()
    # a second import of the same playbook changes nothing
    assert plan_import(validate_playbook(other), seeds, date(2026, 12, 5)).changed() == []


def test_a_threshold_change_needs_a_later_valid_from(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["thresholds"]["by_intent"]["shipping_status"]["suggest_min_conf"] = 0.75
    with pytest.raises(PlaybookError, match="--valid-from 2019-06-01 is not after the row in force since 2020-01-01"):
        plan_import(validate_playbook(data), seeds, date(2019, 6, 1))


def test_an_unknown_queue_is_named(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["pilot"]["queues"] = ["billing", "warranty"]
    with pytest.raises(PlaybookError, match=r"pilot.queues\[1\]: 'warranty' is not a known queue"):
        plan_import(validate_playbook(data), seeds, date(2026, 12, 1))


def test_an_unknown_channel_is_named(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["pilot"]["channels"] = ["email", "fax"]
    with pytest.raises(PlaybookError, match=r"pilot.channels\[1\]: 'fax' is not a known channel \(seed channels: "):
        plan_import(validate_playbook(data), seeds, date(2026, 12, 1))


def test_a_baseline_key_neither_queue_nor_intent_is_named(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["metrics"]["baselines"]["CSAT"] = {"billing": 79.0, "billing_refunds": 70.0}
    with pytest.raises(
        PlaybookError,
        match=r"metrics.baselines.CSAT.billing_refunds: 'billing_refunds' is neither a known queue \(seed queues\) "
        r"nor a known intent \(seed intents\)",
    ):
        plan_import(validate_playbook(data), seeds, date(2026, 12, 1))


def test_cli_dry_run_shows_the_diff_and_writes_nothing(seeds, tmp_path):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["metrics"]["targets"]["escalation_max"] = 0.12
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(data))
    before = (seeds / "pilot/kpi_targets.csv").read_text()
    args = [CLI, "playbook", "import", str(path), "--seeds-dir", str(seeds), "--valid-from", "2026-12-01"]
    dry = subprocess.run([*args, "--dry-run"], capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stderr
    assert (
        "-escalation_rate,kpi_target,at_most,0.14," in dry.stdout
        and "+escalation_rate,kpi_target,at_most,0.12," in dry.stdout
    )
    assert "kept the default: rollback_rules: data_completeness" in dry.stdout
    assert (seeds / "pilot/kpi_targets.csv").read_text() == before
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "kpi_targets.csv" in done.stdout
    assert {r["metric"]: r["target_value"] for r in rows(seeds / "pilot/kpi_targets.csv")}["escalation_rate"] == "0.12"


def _differences(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: missing" for k in a if k not in b]
        return out + [d for k in a if k in b for d in _differences(a[k], b[k], f"{path}.{k}")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_import_then_export_gives_back_every_value(seeds, tmp_path):
    from copilot_governance.playbook.export import export_text

    other = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    other["version"] = "1.5"
    other["metrics"]["targets"]["CSAT_min"] = 81.0
    other["pilot"]["channels"] = ["chat"]
    other["metrics"]["baselines"]["CSAT"]["shipping_status"] = 83.0  # an intent's baseline
    other["rollbacks"]["conditions"][0] = "confidence_drift > 0.1 over 48h"
    source = yaml.safe_dump(other, allow_unicode=True)
    write(plan_import(validate_playbook(other), seeds, date(2026, 12, 5), source_text=source))
    exported = yaml.safe_load(export_text(seeds, seeds.parent / "playbook" / "playbook.yml"))
    assert _differences(other, exported) == []
    # the residency map is today's whole policy: the playbook's regions, then the project's defaults
    assert set(exported["telemetry"]["data_residency"]) > set(other["telemetry"]["data_residency"])


def test_export_then_import_leaves_every_seed_unchanged(seeds, tmp_path):
    shutil.copytree(PROJECT_ROOT / "playbook", seeds.parent / "playbook")
    before = {p: p.read_bytes() for p in seeds.rglob("*.csv")}
    path = tmp_path / "exported.yml"
    done = subprocess.run(
        [CLI, "playbook", "export", "--seeds-dir", str(seeds), "--output", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    write(plan_import(load_playbook(path), seeds, date(2026, 12, 5), source_text=path.read_text()))
    assert {p: p.read_bytes() for p in seeds.rglob("*.csv")} == before


def test_the_committed_base_is_the_shared_playbook():
    """playbook/playbook.yml is the playbook last imported: today, the shared v1.4, verbatim."""
    assert (PROJECT_ROOT / "playbook" / "playbook.yml").read_text() == SHARED_PLAYBOOK.read_text()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["pilot"].update(regions=["NA", "XX"]), r"pilot.regions\[1\]: 'XX' is not a known region"),
        (
            lambda d: d["telemetry"]["data_residency"].update(EU="mars-1"),
            r"telemetry.data_residency.EU: 'mars-1' is not a known processing region \(seed processing_regions: ",
        ),
        (
            lambda d: d["thresholds"]["by_intent"].update(
                billing_refunds={"suggest_min_conf": 0.8, "require_human_review_below": 0.9}
            ),
            r"thresholds.by_intent.billing_refunds: 'billing_refunds' is not a known intent \(seed intents\)",
        ),
        (
            lambda d: d["owners"].pop("data_engineer"),
            r"owners: no 'data_engineer', the role the rules and signals of seeds rollback_rules and advisory_signals",
        ),
    ],
)
def test_names_the_seeds_do_not_know_are_refused_before_anything_is_written(seeds, edit, message):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    edit(data)
    before = {p: p.read_bytes() for p in seeds.rglob("*.csv")}
    with pytest.raises(PlaybookError, match=message):
        plan_import(validate_playbook(data), seeds, date(2026, 12, 1))
    assert {p: p.read_bytes() for p in seeds.rglob("*.csv")} == before


def test_what_the_playbook_leaves_out_is_kept_and_said(seeds, tmp_path):
    from copilot_governance.playbook.export import export_playbook

    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    del data["approval_steps"], data["training_updates"]
    data["version"] = 1.5  # unquoted in YAML: a number, read as its text
    plan = plan_import(validate_playbook(data), seeds, date(2026, 12, 1))
    write(plan)
    assert [r["step"] for r in rows(seeds / "playbook/approval_steps.csv")][-1] == (
        "Change advisory board (CAB) for threshold updates"
    )
    (book,) = rows(seeds / "playbook/playbook.csv")
    assert (book["playbook_version"], book["training_due_within_hours"]) == ("1.5", "72")
    assert "playbook: training_due_within_hours 72 (not in the playbook)" in plan.kept
    assert any(k.startswith("approval_steps: ") for k in plan.kept)
    exported = export_playbook(seeds, data)
    assert exported["approval_steps"][-1]["owner"] == "chair" and exported["training_updates"]["due_within_hours"] == 72


def test_a_changed_target_says_so_in_its_description(seeds):
    data = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    data["metrics"]["targets"]["CSAT_min"] = 82.5
    write(plan_import(validate_playbook(data), seeds, date(2026, 12, 1)))
    csat = next(r for r in rows(seeds / "pilot/kpi_targets.csv") if r["metric"] == "csat_pct")
    assert csat["description"] == "Playbook 1.4: at_least 82.5"
