"""The semantic layer queried through MetricFlow (dbt-metricflow's `mf`, issue 12): the brief's saved
queries, run on the nightly's warehouse, give the marts' numbers."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.contract_oracle import fetch
from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles
from pytests.e2e.nightly_command_run import Night

pytestmark = pytest.mark.e2e

MF = str(Path(sys.executable).with_name("mf"))


@pytest.fixture(scope="module")
def mf_project(nightly_command_run: Night, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose target/ holds the nightly's semantic manifest: mf reads the
    manifest from the project's own target/ (it does not follow DBT_TARGET_PATH)."""
    project = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "selectors.yml", "models", "macros", "seeds", "tests", "analyses"):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    ensure_profiles(project)
    (project / "target").mkdir()
    shutil.copy(nightly_command_run.scenario.work_dir / "target" / "semantic_manifest.json", project / "target")
    return project


def saved_query(project: Path, night: Night, name: str) -> list[dict]:
    out = project / f"{name}.csv"
    env = {
        **os.environ,
        "PILOT_DUCKDB_PATH": str(night.scenario.db_path),
        "DBT_PROFILES_DIR": str(project),
        "DBT_LOG_PATH": str(project / "logs"),
    }
    env.pop("DBT_TARGET_PATH", None)
    proc = subprocess.run(
        [MF, "query", "--saved-query", name, "--csv", str(out), "--quiet"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0 and out.exists(), proc.stdout + proc.stderr
    with out.open(newline="") as f:
        return list(csv.DictReader(f))


def marts(night: Night, sql: str) -> list[dict]:
    with duckdb.connect(str(night.serving), read_only=True) as con:
        return fetch(con, sql)


def value(text: str) -> float | None:
    return None if text == "" else float(text)


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


def test_the_ticket_kpis_equal_pilot_kpis_daily(mf_project, nightly_command_run):
    rows = saved_query(mf_project, nightly_command_run, "brief_ticket_kpis_daily")
    daily = {
        (str(r["kpi_date"]), r["queue"], r["region"], r["copilot_enabled"]): r
        for r in marts(nightly_command_run, "select * from marts.pilot_kpis_daily")
    }
    got = {
        (
            r["ticket__solved_date__day"][:10],
            r["ticket__queue"],
            r["ticket__region"],
            r["ticket__is_copilot_enabled"] == "True",
        ): r
        for r in rows
    }
    assert set(got) == set(daily) and len(daily) > 100
    for key, mart in daily.items():
        mf = got[key]
        assert int(mf["tickets_solved"]) == mart["tickets_solved"], key
        for metric in ("aht_seconds", "csat_pct", "escalation_rate", "deflection_rate", "coverage_rate"):
            assert close(value(mf[metric]), mart[metric]), (key, metric, mf[metric], mart[metric])


def test_cost_and_acceptance_equal_the_facts(mf_project, nightly_command_run):
    cost = {
        r["ticket__solved_date__day"][:10]: r for r in saved_query(mf_project, nightly_command_run, "brief_cost_daily")
    }
    facts = marts(
        nightly_command_run,
        "select solved_date, count(*) filter (where model_calls > 0) as tickets, "
        "sum(model_cost_usd) filter (where model_calls > 0) as cost, sum(unpriced_model_calls) as unpriced "
        "from marts.fct_tickets where is_solved group by solved_date",
    )
    priced = [f for f in facts if f["tickets"] and not f["unpriced"]]
    assert priced
    for f in priced:
        assert close(value(cost[str(f["solved_date"])]["cost_per_solved_ticket_usd"]), f["cost"] / f["tickets"])
    acceptance = saved_query(mf_project, nightly_command_run, "brief_acceptance_daily")
    drafts = {
        (str(r["drafted_date"]), r["intent"]): r
        for r in marts(
            nightly_command_run,
            "select drafted_date, intent, count(*) filter (where is_decided) as decided, "
            "count(*) filter (where is_accepted) as accepted from marts.fct_drafts group by all",
        )
    }
    assert len(acceptance) == len(drafts)
    for r in acceptance:
        d = drafts[(r["draft__drafted_date__day"][:10], r["draft__intent"] or None)]
        assert int(r["drafts_decided"]) == d["decided"]
        assert close(value(r["draft_acceptance_rate"]), d["accepted"] / d["decided"] if d["decided"] else None)
