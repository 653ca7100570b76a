"""Run the project's dbt commands against a DuckDB file of a test's own.

Each call runs dbt in a subprocess from the project root with its own target and log
paths, so tests never share a database file, a partial-parse cache or a lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))


def ensure_profiles(project_dir: Path) -> Path:
    """`project_dir`/profiles.yml, written from the project's profiles.example.yml when it is absent
    (as scripts/bootstrap.sh does): every setting comes from env vars, so the one file serves every
    test, in the project and in a copy of it."""
    profiles = project_dir / "profiles.yml"
    if not profiles.exists():
        profiles.write_text((PROJECT_ROOT / "profiles.example.yml").read_text())
    return profiles


@dataclass(frozen=True)
class DbtResult:
    returncode: int
    output: str
    run_results: dict | None

    def statuses(self) -> dict[str, str]:
        """unique_id -> status of every node the invocation ran."""
        if not self.run_results:
            return {}
        return {r["unique_id"]: r["status"] for r in self.run_results["results"]}

    def failing(self, status: str = "fail") -> list[str]:
        return sorted(uid for uid, s in self.statuses().items() if s == status)


def run_dbt(
    args: list[str],
    db_path: Path | str,
    work_dir: Path,
    dbt_vars: dict | None = None,
    target: str = "duckdb",
    extra_env: dict[str, str] | None = None,
    timeout: int = 900,
    cwd: Path | None = None,
) -> DbtResult:
    """Run `dbt <args>` for the project on `db_path` (a str is passed as written: a relative path);
    artefacts go under `work_dir`. From another `cwd`, dbt gets --project-dir (as from cron)."""
    target_path = work_dir / "target"
    env = {
        **os.environ,
        "PILOT_DUCKDB_PATH": str(db_path),
        "DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    ensure_profiles(PROJECT_ROOT)
    cmd = [DBT, *args, "--target", target]
    if cwd is not None:
        cmd += ["--project-dir", str(PROJECT_ROOT)]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    proc = subprocess.run(
        cmd,
        cwd=cwd or PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    results_file = target_path / "run_results.json"
    run_results = json.loads(results_file.read_text()) if results_file.exists() else None
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, run_results)
