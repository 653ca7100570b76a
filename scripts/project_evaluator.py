"""Run dbt Labs' dbt-project-evaluator on a scratch copy of this project and report its findings.

The evaluator is never added to the project: the project's files (tracked, plus untracked files
git does not ignore, so work in progress is evaluated too) are copied to a scratch directory, the
evaluator and dbt-utils are installed there from local checkouts, the configuration kept in
scripts/project_evaluator/ is merged in, demo raw data is generated into a scratch DuckDB file
(the on-run-start hooks pre-flight the raw tables), and

    dbt build --select package:dbt_project_evaluator dbt_project_evaluator_exceptions

runs there (the evaluator's documented command when the project has its own exceptions seed).
Then each rule's result table (the evaluator's fct_* models) is read from the DuckDB file and
printed: findings per rule, each finding row, and a total.

    .venv/bin/python scripts/project_evaluator.py \\
        --evaluator /work/scratch/evaluator-src/dbt-project-evaluator \\
        --dbt-utils /work/scratch/evaluator-src/dbt-utils [--scratch DIR] [--keep]

Exit status: 0 no finding, 1 at least one finding, 2 the run itself failed (the failing step's
output tail is printed; the scratch directory is kept for inspection).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONFIG_DIR = ROOT / "scripts" / "project_evaluator"
CONFIG_FILE = CONFIG_DIR / "dbt_project_evaluator.yml"
EXCEPTIONS_SEED = CONFIG_DIR / "dbt_project_evaluator_exceptions.csv"
EVALUATOR_PACKAGE = "dbt_project_evaluator"
DBT_UTILS_PACKAGE = "dbt_utils"
# Not "raw.duckdb": a catalog named like the raw schema makes `raw.<table>` ambiguous in DuckDB.
WAREHOUSE_FILE = "warehouse.duckdb"
TARGET = "duckdb"
SELECTION = ["package:dbt_project_evaluator", "dbt_project_evaluator_exceptions"]
TAIL_LINES = 60
# Files of the evaluator checkout not copied to the scratch package: its packages.yml pins dbt-utils
# from dbt Hub, which the local dbt-utils checkout replaces (dbt deps refuses two dbt_utils
# projects); the rest is the package's own test projects, CI and docs, which dbt never parses.
EVALUATOR_SKIP = ("packages.yml", "package-lock.yml", "integration_tests*", ".circleci", ".github", "docs")


def die(message: str) -> NoReturn:
    """A usage or configuration error: exit 2 (1 means findings)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


class RunFailed(Exception):
    """A step of the run failed; carries the output tail to show."""

    def __init__(self, step: str, tail: str) -> None:
        super().__init__(step)
        self.step = step
        self.tail = tail


@dataclass
class Layout:
    """Where everything lives inside the scratch directory."""

    scratch: Path
    project: Path = field(init=False)
    packages: Path = field(init=False)
    warehouse: Path = field(init=False)
    target: Path = field(init=False)
    logs: Path = field(init=False)

    def __post_init__(self) -> None:
        self.project = self.scratch / "project"
        self.packages = self.scratch / "packages"
        self.warehouse = self.scratch / WAREHOUSE_FILE
        self.target = self.scratch / "target"
        self.logs = self.scratch / "logs"


@dataclass
class Rule:
    """One evaluator rule: its result model, its tests' statuses and its rows."""

    name: str
    description: str
    is_row_rule: bool
    test_statuses: list[str]
    columns: list[str]
    rows: list[tuple[Any, ...]]

    @property
    def findings(self) -> int:
        if self.is_row_rule:
            return len(self.rows)
        # A coverage rule (one row of metrics): a finding when its threshold test does not pass.
        return sum(status in ("warn", "fail", "error") for status in self.test_statuses)


# --- small helpers ------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"==> {message}", flush=True)


@contextmanager
def step(message: str) -> Iterator[None]:
    progress(message)
    started = time.perf_counter()
    yield
    print(f"    done in {time.perf_counter() - started:.1f}s", flush=True)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str], log: Path, what: str) -> subprocess.CompletedProcess[str]:
    """Run cmd, keep its output in log; raise RunFailed with the tail when it exits non-zero."""
    proc = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RunFailed(f"{what} exited {proc.returncode} (full output: {log})", tail(proc.stdout + proc.stderr))
    return proc


def load_yaml(path: Path) -> Any:
    with path.open() as handle:
        return yaml.safe_load(handle)


def dump_yaml(path: Path, data: Any) -> None:
    with path.open("w") as handle:
        yaml.safe_dump(data, handle, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)


# --- 1. the scratch copy of the project ---------------------------------------------------------


def git_files(*args: str) -> list[str]:
    proc = subprocess.run(["git", "ls-files", "-z", *args], cwd=ROOT, capture_output=True, check=False)
    if proc.returncode != 0:
        die(f"git ls-files failed in {ROOT}: {proc.stderr.decode().strip()}")
    return [name for name in proc.stdout.decode().split("\0") if name]


def project_files() -> list[str]:
    """Tracked files plus untracked files that are not ignored (work in progress)."""
    return sorted(set(git_files()) | set(git_files("--others", "--exclude-standard")))


def copy_project(destination: Path) -> int:
    """Copy the project's files; a tracked file deleted in the working tree is skipped."""
    copied = 0
    for name in project_files():
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue
        if source.is_dir() and not source.is_symlink():
            continue  # a submodule or nested repository: not part of the dbt project
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied += 1
    return copied


# --- 2. packages --------------------------------------------------------------------------------


def project_name(checkout: Path) -> str:
    project_file = checkout / "dbt_project.yml"
    if not project_file.is_file():
        die(f"{checkout} is not a dbt package (no dbt_project.yml)")
    return str(load_yaml(project_file).get("name"))


def check_checkout(checkout: Path, expected: str) -> None:
    name = project_name(checkout)
    if name != expected:
        die(f"{checkout} is the dbt project {name!r}, expected {expected!r}")


def stage_evaluator(checkout: Path, packages_dir: Path) -> Path:
    """Copy the evaluator checkout without its Hub dependency on dbt-utils (see EVALUATOR_SKIP)."""
    staged = packages_dir / EVALUATOR_PACKAGE
    shutil.copytree(checkout, staged, ignore=shutil.ignore_patterns(*EVALUATOR_SKIP), symlinks=True)
    return staged


def write_packages(project: Path, local_paths: Sequence[Path]) -> None:
    """Add `local:` entries to the scratch packages.yml (keeping any packages the project has)."""
    if (project / "dependencies.yml").exists():
        die("the project has a dependencies.yml; teach this script to merge into it")
    packages_file = project / "packages.yml"
    existing = (load_yaml(packages_file) or {}).get("packages", []) if packages_file.exists() else []
    entries = [*existing, *({"local": str(path)} for path in local_paths)]
    dump_yaml(packages_file, {"packages": entries})


# --- 3. the evaluator's configuration -----------------------------------------------------------


def deep_merge(base: dict[str, Any], overlay: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Merge overlay into base; a key both set to different non-mapping values is an error."""
    merged = dict(base)
    for key, value in overlay.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in merged:
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = deep_merge(merged[key], value, where)
        elif merged[key] != value:
            die(
                f"{CONFIG_FILE.relative_to(ROOT)} sets {where}, which dbt_project.yml already sets "
                "differently; merge them by hand in the config file"
            )
    return merged


def configure_evaluator(project: Path) -> None:
    """Merge the config file into dbt_project.yml and install the project's exceptions seed."""
    project_file = project / "dbt_project.yml"
    config = load_yaml(CONFIG_FILE) or {}
    dump_yaml(project_file, deep_merge(load_yaml(project_file), config))
    seed_paths = load_yaml(project_file).get("seed-paths", ["seeds"])
    seeds_dir = project / seed_paths[0]
    seeds_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(EXCEPTIONS_SEED, seeds_dir / EXCEPTIONS_SEED.name)


def write_profiles(project: Path) -> None:
    shutil.copy2(project / "profiles.example.yml", project / "profiles.yml")


# --- 4. the warehouse and dbt -------------------------------------------------------------------


def dbt_env(layout: Layout) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PILOT_DUCKDB_PATH": str(layout.warehouse),
            "PILOT_DBT_TARGET": TARGET,
            "DBT_PROFILES_DIR": str(layout.project),
            "DBT_PROJECT_DIR": str(layout.project),
            "DBT_TARGET_PATH": str(layout.target),
            "DBT_LOG_PATH": str(layout.logs),
            "DBT_PACKAGES_INSTALL_PATH": str(layout.project / "dbt_packages"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_USE_COLORS": "false",
        }
    )
    return env


def generate_warehouse(layout: Layout, env: dict[str, str]) -> None:
    cmd = [
        str(BIN / "copilot-governance"),
        "generate",
        "--db",
        str(layout.warehouse),
        "--pilot-config",
        "seeds/pilot/pilots.csv",
        "--quiet",
    ]
    run(cmd, layout.project, env, layout.scratch / "generate.log", "copilot-governance generate")


def dbt_deps(layout: Layout, env: dict[str, str]) -> None:
    run([str(BIN / "dbt"), "deps"], layout.project, env, layout.scratch / "dbt_deps.log", "dbt deps")


def dbt_build(layout: Layout, env: dict[str, str]) -> str:
    """Run the evaluator; rule tests failing (a severity raised to error) are findings, not a failure."""
    cmd = [str(BIN / "dbt"), "build", "--target", TARGET, "--select", *SELECTION]
    log = layout.scratch / "dbt_build.log"
    proc = subprocess.run(cmd, cwd=layout.project, env=env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    log.write_text(output)
    if proc.returncode != 0 and not only_tests_failed(layout.target / "run_results.json"):
        raise RunFailed(f"dbt build exited {proc.returncode} (full output: {log})", tail(output))
    summary = [line for line in output.splitlines() if "Done. PASS=" in line]
    return summary[-1].strip() if summary else ""


def only_tests_failed(run_results: Path) -> bool:
    if not run_results.exists():
        return False
    results = json.loads(run_results.read_text())["results"]
    bad = [r for r in results if r["status"] not in ("success", "pass", "warn")]
    return bool(bad) and all(r["status"] == "fail" and r["unique_id"].startswith("test.") for r in bad)


# --- 5. the findings ----------------------------------------------------------------------------


def rule_models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The evaluator's enabled rule models (fct_*), by name."""
    nodes = manifest["nodes"].values()
    found = [
        n
        for n in nodes
        if n["resource_type"] == "model" and n["package_name"] == EVALUATOR_PACKAGE and n["name"].startswith("fct_")
    ]
    return sorted(found, key=lambda n: n["name"])


def tests_of(manifest: dict[str, Any], model_id: str) -> list[dict[str, Any]]:
    return [
        n for n in manifest["nodes"].values() if n["resource_type"] == "test" and n.get("attached_node") == model_id
    ]


def statuses(layout: Layout) -> dict[str, str]:
    results = json.loads((layout.target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}


def read_rows(con: duckdb.DuckDBPyConnection, node: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    relation = f'"{node["database"]}"."{node["schema"]}"."{node["alias"]}"'
    result = con.execute(f"select * from {relation}")
    columns = [d[0] for d in result.description]
    # Sorted (as text) so two runs on the same tree print the same list.
    return columns, sorted((tuple(row) for row in result.fetchall()), key=lambda row: [str(v) for v in row])


def collect_rules(layout: Layout) -> list[Rule]:
    manifest = json.loads((layout.target / "manifest.json").read_text())
    status_by_id = statuses(layout)
    rules = []
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        for node in rule_models(manifest):
            tests = tests_of(manifest, node["unique_id"])
            is_row_rule = any((t.get("test_metadata") or {}).get("name") == "is_empty" for t in tests)
            columns, rows = read_rows(con, node)
            rules.append(
                Rule(
                    name=node["name"],
                    description=" ".join((node.get("description") or "").split()),
                    is_row_rule=is_row_rule,
                    test_statuses=[status_by_id.get(t["unique_id"], "not run") for t in tests],
                    columns=columns,
                    rows=rows,
                )
            )
    return rules


def format_row(columns: Sequence[str], row: Sequence[Any]) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True) if v is not None and v != "")


def print_rule(rule: Rule) -> None:
    print(f"\n[{rule.findings}] {rule.name}: {rule.description}")
    if not rule.is_row_rule:
        verdict = "below target" if rule.findings else "meets target"
        for row in rule.rows:
            print(f"    ({verdict}) {format_row(rule.columns, row)}")
        return
    for row in rule.rows:
        print(f"    - {format_row(rule.columns, row)}")


def report(rules: Sequence[Rule]) -> int:
    progress("findings per rule (dbt-project-evaluator result tables)")
    for rule in rules:
        print_rule(rule)
    total = sum(rule.findings for rule in rules)
    with_findings = sum(1 for rule in rules if rule.findings)
    print(f"\nsummary: {total} finding(s) in {with_findings} of {len(rules)} rules")
    for rule in rules:
        if rule.findings:
            print(f"    {rule.findings:4d}  {rule.name}")
    return total


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluator", type=Path, required=True, help="checkout of dbt-labs/dbt-project-evaluator")
    parser.add_argument("--dbt-utils", type=Path, required=True, help="checkout of dbt-labs/dbt-utils")
    parser.add_argument("--scratch", type=Path, help="scratch directory (new or empty; default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory afterwards")
    return parser.parse_args(argv)


def make_scratch(requested: Path | None) -> Path:
    if requested is None:
        return Path(tempfile.mkdtemp(prefix="project-evaluator-"))
    scratch = requested.resolve()
    if scratch.exists() and any(scratch.iterdir()):
        die(f"--scratch {scratch} is not empty")
    scratch.mkdir(parents=True, exist_ok=True)
    return scratch


def evaluate(layout: Layout, evaluator: Path, dbt_utils: Path) -> int:
    """All steps; returns the number of findings."""
    env = dbt_env(layout)
    with step(f"copying the project's files (git ls-files, tracked + untracked not ignored) to {layout.project}"):
        print(f"    {copy_project(layout.project)} files")
    with step("installing dbt-project-evaluator and dbt-utils from local checkouts (packages.yml, dbt deps)"):
        staged = stage_evaluator(evaluator, layout.packages)
        write_packages(layout.project, [staged, dbt_utils])
        dbt_deps(layout, env)
    with step(f"merging {CONFIG_FILE.relative_to(ROOT)} into dbt_project.yml; exceptions seed; profiles.yml"):
        configure_evaluator(layout.project)
        write_profiles(layout.project)
    with step(f"generating demo raw data into {layout.warehouse} (copilot-governance generate)"):
        generate_warehouse(layout, env)
    with step(f"dbt build --target {TARGET} --select {' '.join(SELECTION)}"):
        summary = dbt_build(layout, env)
        if summary:
            print(f"    {summary}")
    try:
        rules = collect_rules(layout)
    except (OSError, KeyError, ValueError, duckdb.Error) as error:
        raise RunFailed("reading the evaluator's results failed", repr(error)) from error
    return report(rules)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    evaluator, dbt_utils = args.evaluator.resolve(), args.dbt_utils.resolve()
    check_checkout(evaluator, EVALUATOR_PACKAGE)
    check_checkout(dbt_utils, DBT_UTILS_PACKAGE)
    layout = Layout(make_scratch(args.scratch))
    progress(f"scratch directory {layout.scratch}")
    started = time.perf_counter()
    keep = args.keep
    try:
        findings = evaluate(layout, evaluator, dbt_utils)
    except RunFailed as failure:
        print(f"\nerror: {failure.step}\n--- output tail ---\n{failure.tail}", file=sys.stderr)
        print(f"the scratch directory is kept for inspection: {layout.scratch}", file=sys.stderr)
        return 2
    finally:
        print(f"==> total {time.perf_counter() - started:.1f}s", flush=True)
    if keep:
        progress(f"kept {layout.scratch}")
    else:
        shutil.rmtree(layout.scratch)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
