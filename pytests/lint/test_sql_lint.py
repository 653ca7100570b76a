"""sqlfluff over every SQL file of the project, with the committed .sqlfluff: zero violations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles

SQLFLUFF = str(Path(sys.executable).with_name("sqlfluff"))


def test_sqlfluff_reports_no_violation(tmp_path: Path) -> None:
    env = {
        **os.environ,
        # The dbt templater compiles the project; give it an empty database of its own.
        "PILOT_DUCKDB_PATH": str(tmp_path / "lint.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    # The project never creates its database file (the dbt-duckdb plugin refuses a missing one).
    duckdb.connect(str(tmp_path / "lint.duckdb")).close()
    ensure_profiles(PROJECT_ROOT)
    proc = subprocess.run(
        [SQLFLUFF, "lint", "models", "tests", "analyses", "--processes", "2", "--disable-progress-bar"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-20000:] + proc.stderr[-5000:]
    assert "All Finished" in proc.stdout
