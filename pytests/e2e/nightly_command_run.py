"""One night of `copilot-governance nightly` as cron runs it, shared by the nightly's and the
report's end-to-end tests (session fixture `nightly_command_run` in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import duckdb

from pytests.dbt_runner import PROJECT_ROOT
from pytests.scenario import Scenario, generate
from pytests.webhook import Webhook

CLI = str(Path(sys.executable).with_name("copilot-governance"))
AS_OF = "2026-11-18"
READ = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
    "print(con.execute(sys.argv[2]).fetchone()[0])"
)


class Night(NamedTuple):
    scenario: Scenario
    serving: Path
    proc: subprocess.CompletedProcess
    reader_saw: object
    requests: list[dict]
    brief_dir: Path


def nightly(scenario: Scenario, serving: Path, brief_dir: Path, url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SLACK_WEBHOOK_URL": url,
        "DBT_TARGET_PATH": str(scenario.work_dir / "target"),
        "DBT_LOG_PATH": str(scenario.work_dir / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
    }
    env.pop("PILOT_DUCKDB_PATH", None)
    args = [CLI, "nightly", "--as-of", AS_OF, "--db", str(scenario.db_path), "--serving-db", str(serving)]
    return subprocess.run(
        [*args, "--brief-dir", str(brief_dir)],
        cwd=scenario.work_dir,  # cron's working directory is not the project
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def yesterdays_serving_file(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.pilot_go_no_go as select 'yesterday' as decision")


def run_night(root: Path) -> Night:
    """Generate the pilot (the playbook's windows, a residency violation on AS_OF), leave yesterday's
    serving file with a reader holding it open, and run the nightly against a loopback webhook."""
    scenario = generate(
        root / "data",
        *("--pilot-config", "seeds/pilot/pilots.csv", "--end-date", "2026-11-20", "--tickets-per-day", "300"),
        *("--event-date", AS_OF, "--plant", "residency_violation"),
    )
    serving = root / "serving" / "pilot.duckdb"
    serving.parent.mkdir()
    yesterdays_serving_file(serving)
    reader = duckdb.connect(str(serving), read_only=True)  # a BI tool, connected all night
    hook = Webhook([(200, "ok")])
    try:
        proc = nightly(scenario, serving, root / "briefs", hook.url)
        reader_saw = reader.execute("select decision from marts.pilot_go_no_go").fetchone()[0]
    finally:
        reader.close()
        hook.close()
    return Night(scenario, serving, proc, reader_saw, hook.requests, root / "briefs")
