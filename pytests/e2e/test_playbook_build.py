"""A second playbook, imported into a copy of the project, changes what the nightly build computes
(issue 11): its scope (queues, regions, channels), its baselines (by queue and by intent), its
targets, its thresholds and its rollback rules reach the marts."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
import yaml

from pytests.contract_oracle import fetch
from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles
from pytests.scenario import generate

pytestmark = pytest.mark.e2e

SHARED_PLAYBOOK = PROJECT_ROOT.parent / "shared" / "playbooks" / "support-ai-pilot-retro-v1.4.yml"
CLI = str(Path(sys.executable).with_name("copilot-governance"))
DBT = str(Path(sys.executable).with_name("dbt"))
AS_OF = "2026-11-30"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("playbook_build")
    project = root / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "playbook"):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    ensure_profiles(project)
    book = yaml.safe_load(SHARED_PLAYBOOK.read_text())
    other = copy.deepcopy(book)
    other["version"] = "2.0"
    other["pilot"]["queues"], other["pilot"]["regions"] = ["billing"], ["NA"]
    other["pilot"]["channels"] = ["chat"]
    other["metrics"]["baselines"]["AHT_seconds"]["billing_refund"] = 640  # an intent's baseline
    other["metrics"]["targets"]["CSAT_min"] = 82.5
    other["thresholds"]["by_intent"]["billing_refund"] = {"suggest_min_conf": 0.8, "require_human_review_below": 0.88}
    other["rollbacks"]["conditions"][0] = "confidence_drift > 0.1 over 48h"
    path = root / "other.yml"
    path.write_text(yaml.safe_dump(other, allow_unicode=True))
    imported = subprocess.run(
        [CLI, "playbook", "import", str(path), "--seeds-dir", str(project / "seeds"), "--valid-from", "2026-10-27"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    scenario = generate(
        root / "data",
        "--seed",
        "4",
        "--pilot-config",
        "seeds/pilot/pilots.csv",
        "--end-date",
        AS_OF,
        "--tickets-per-day",
        "500",
    )
    # a retention breach: prompt text kept on calls older than the playbook's 30 days
    with duckdb.connect(str(scenario.db_path)) as con:
        con.execute(
            "update raw.zs_prompt_logs set prompt_text = 'kept too long' where prompt_id in (select prompt_id "
            "from raw.zs_prompt_logs where logged_at < timestamp '2026-10-31' order by prompt_id limit 3)"
        )
    env = {
        **os.environ,
        "PILOT_DUCKDB_PATH": str(scenario.db_path),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_PROFILES_DIR": str(project),
    }
    proc = subprocess.run(
        [DBT, "build", "--exclude", "resource_type:unit_test", "--vars", json.dumps({"as_of_date": AS_OF})],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert "Compilation Error" not in proc.stdout and "Database Error" not in proc.stdout, proc.stdout[-4000:]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results}
    return Built(scenario.db_path, statuses, proc.stdout, project, env)


class Built(NamedTuple):
    db_path: Path
    statuses: dict[str, str]
    output: str
    project: Path
    env: dict[str, str]


def query(db: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        return fetch(con, sql)


def test_the_imported_playbook_is_what_the_build_evaluates(built):
    db = built.db_path
    (decision,) = query(db, "select * from marts.pilot_go_no_go")
    assert (decision["playbook_name"], decision["playbook_version"]) == ("Support AI Pilot Retrospective", "2.0")
    scopes = {(r["queue"], r["region"]) for r in query(db, "select distinct queue, region from marts.pilot_scorecard")}
    assert scopes == {("billing", "NA")}
    (csat,) = query(db, "select target_value from marts.pilot_scorecard where metric = 'csat_pct'")
    assert csat["target_value"] == 82.5
    # the scope is the playbook's channels too: the AHT sample is the chat tickets, counted from staging
    (aht,) = query(db, "select * from marts.pilot_scorecard where metric = 'aht_seconds'")
    (expected,) = query(
        db,
        "select count(*) as n, avg(handle_time_seconds) as mean from staging.stg_copilot__ticket_outcomes"
        " where queue = 'billing' and region = 'NA' and channel = 'chat' and is_copilot_enabled"
        " and resolved_by = 'agent' and handle_time_seconds is not null"
        f" and cast(solved_at as date) between date '{aht['pilot_start_date']}' and date '{aht['pilot_end_date']}'",
    )
    assert aht["denominator"] == expected["n"] > 0
    assert aht["pilot_value"] == pytest.approx(expected["mean"], rel=1e-12)
    channels = query(db, "select distinct channel from intermediate.int_pilots__scope_tickets")
    assert channels == [{"channel": "chat"}]
    # a baseline keyed by an intent is that intent's, in the scorecard by intent only
    by_intent = {
        r["intent"]: r for r in query(db, "select * from marts.pilot_scorecard_by_intent where metric = 'aht_seconds'")
    }
    assert set(by_intent) == {"billing_refund", "billing_invoice", "billing_payment_failed"}
    assert (by_intent["billing_refund"]["baseline_source"], by_intent["billing_refund"]["baseline_value"]) == (
        "configured",
        640,
    )
    assert by_intent["billing_invoice"]["baseline_source"] == "computed"
    assert (aht["baseline_source"], aht["baseline_value"]) == ("configured", 590)
    assert sum(r["denominator"] for r in by_intent.values()) <= aht["denominator"]  # unclassified: queue only
    thresholds = query(
        db,
        "select distinct configured_suggest_min_conf, configured_review_below_conf from "
        "marts.threshold_acceptance_by_intent where intent = 'billing_refund'",
    )
    assert thresholds == [{"configured_suggest_min_conf": 0.8, "configured_review_below_conf": 0.88}]
    (drift,) = query(
        db,
        "select limit_value, current_window_days from intermediate.int_governance__signal_config "
        "where signal = 'confidence_drift'",
    )
    assert (drift["limit_value"], drift["current_window_days"]) == (0.1, 2)


def test_the_retro_rules_fail_on_an_unapproved_threshold_and_kept_prompt_text(built):
    """The imported playbook tunes billing_refund without a ledger decision: the CAB rule fails; the
    planted prompt text past retention fails; the open overdue action item only warns."""
    assert built.statuses["assert_no_threshold_without_approval"] == "fail"
    assert built.statuses["assert_no_prompt_text_past_retention"] == "fail"
    assert built.statuses["assert_no_action_item_overdue"] == "warn"
    assert built.statuses["assert_no_action_item_incomplete"] == "pass"
    assert built.statuses["assert_intent_baselines_in_their_queue"] == "pass"
    checks = query(built.db_path, "select * from marts.retro_governance_checks order by check_name, subject")
    unapproved = [c["subject"] for c in checks if c["check_name"] == "threshold_without_approval"]
    assert unapproved == ["billing_refund"]  # shipping_status keeps its approved values
    kept = [c for c in checks if c["check_name"] == "prompt_text_past_retention"]
    assert sum(int(c["detail"].split(" ")[0]) for c in kept) == 3
    # the failures skip no mart, and the console names each
    assert built.statuses["retro_board"] == "success" and built.statuses["pilot_go_no_go"] == "success"
    assert "ERROR retro threshold_without_approval for billing_refund" in built.output
    board = query(built.db_path, "select * from marts.retro_board where action_id = 'AI-2025-02-03'")
    assert board[0]["is_visible_to_leadership"] and board[0]["days_overdue"] == 20


def test_an_intent_baseline_filed_under_another_queue_stops_the_build(built):
    """A hand edit the import would never write: the seed's test fails, so nothing downstream runs on it.
    (Last in this module: it changes the built project's seed.)"""
    with (built.project / "seeds" / "pilot" / "kpi_baselines.csv").open("a") as f:
        f.write("returns,billing_refund,*,csat_pct,70.0,hand edit\n")
    proc = subprocess.run(
        [DBT, "build", "--select", "kpi_baselines", "assert_intent_baselines_in_their_queue"],
        cwd=built.project,
        env=built.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "FAIL 1 assert_intent_baselines_in_their_queue" in proc.stdout
