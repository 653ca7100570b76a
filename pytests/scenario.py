"""Generate a pilot scenario with the project's CLI and build it with dbt, for end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pytests.dbt_runner import PROJECT_ROOT, DbtResult, run_dbt

CLI = str(Path(sys.executable).with_name("copilot-governance"))


@dataclass(frozen=True)
class Scenario:
    db_path: Path
    work_dir: Path
    manifest: dict


def generate(work_dir: Path, *args: str) -> Scenario:
    """Run `copilot-governance generate` into work_dir/pilot.duckdb with the given options."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "pilot.duckdb"
    manifest_path = work_dir / "manifest.json"
    proc = subprocess.run(
        [CLI, "generate", "--db", str(db_path), "--manifest", str(manifest_path), "--quiet", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Scenario(db_path, work_dir, json.loads(manifest_path.read_text()))


def build(scenario: Scenario, *args: str, dbt_vars: dict | None = None) -> DbtResult:
    return run_dbt(["build", *args], scenario.db_path, scenario.work_dir, dbt_vars=dbt_vars)
