"""`copilot-governance nightly`: the data engineer's one command for cron or an orchestrator (issue 12).

Steps, in order: the pre-flight of the load (bad vars or a broken load stop here, before any model),
the production `dbt build` (selector `nightly`: everything but unit tests), publish (the serving file
BI tools read; DuckDB only), the daily brief (to Slack when SLACK_WEBHOOK_URL is set, else written
to files). A failing gate does not stop the night: the marts are built and published, and the brief
says the gate fired. Exit codes (the first failing step wins; see EXIT_MEANINGS):
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

EXIT_OK = 0
EXIT_GATE_FIRED = 1
EXIT_PREFLIGHT = 2
EXIT_BUILD = 3
EXIT_PUBLISH = 4
EXIT_BRIEF = 5
EXIT_TESTS = 6
EXIT_MEANINGS = {
    EXIT_OK: "the night ran: built, published, briefed; the rollback gate did not fire",
    EXIT_GATE_FIRED: "the rollback gate fired: act per the playbook (the summary says what was published and sent)",
    EXIT_PREFLIGHT: "pre-flight failed: bad configuration or a broken load; nothing was built or published",
    EXIT_BUILD: "the build failed: a model errored or was skipped; readers keep the previous snapshot",
    EXIT_PUBLISH: "publishing the serving file failed; BI tools still read the previous snapshot",
    EXIT_BRIEF: "the brief could not be rendered or sent",
    EXIT_TESTS: "a data test outside the gate failed (configuration, contract, retro governance); marts published",
}
#: When several things went wrong, the code of the first in this order (the summary lists them all).
EXIT_PRECEDENCE = (EXIT_PREFLIGHT, EXIT_BUILD, EXIT_GATE_FIRED, EXIT_PUBLISH, EXIT_BRIEF, EXIT_TESTS)
__doc__ += "\n".join(f"    {code}  {meaning}" for code, meaning in EXIT_MEANINGS.items()) + "\n"
__doc__ += "When several apply, the first of 2, 3, 1, 4, 5, 6 is the exit code.\n"

#: The rollback gate's tests (one per rollback rule): a failure there is the gate firing.
GATE_TESTS_PATH = "tests/rollback_gate/"


@dataclass
class Step:
    name: str
    status: str  # ok | failed | skipped | fired | warn
    seconds: float = 0.0
    detail: str = ""


@dataclass
class BuildOutcome:
    statuses: Counter[str] = field(default_factory=Counter)
    failed_models: list[str] = field(default_factory=list)
    fired_gates: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)
    warned_tests: list[str] = field(default_factory=list)

    @property
    def models_built(self) -> bool:
        return not self.failed_models

    @property
    def gate_fired(self) -> bool:
        return bool(self.fired_gates)


def read_build_outcome(target_path: Path) -> BuildOutcome:
    """Classify the build's results (target/run_results.json, with the manifest for each test's path)."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    nodes = json.loads((target_path / "manifest.json").read_text())["nodes"]
    outcome = BuildOutcome()
    for result in results:
        uid, status = result["unique_id"], result["status"]
        outcome.statuses[status] += 1
        name = uid.rsplit(".", 1)[-1] if uid.startswith(("model.", "seed.", "snapshot.")) else uid.split(".")[2]
        if uid.startswith(("model.", "seed.", "snapshot.")) and status in ("error", "skipped"):
            outcome.failed_models.append(f"{name} ({status})")
        elif uid.startswith("test."):
            path = nodes.get(uid, {}).get("original_file_path", "")
            if status in ("fail", "error"):
                (outcome.fired_gates if path.startswith(GATE_TESTS_PATH) else outcome.failed_tests).append(name)
            elif status == "warn":
                outcome.warned_tests.append(name)
    return outcome


@dataclass
class NightlyConfig:
    project_dir: Path
    target: str = "duckdb"
    as_of: date | None = None
    db_path: Path | None = None
    serving_path: Path | None = None
    brief_dir: Path | None = None
    send_brief: bool = True
    extra_vars: dict[str, object] = field(default_factory=dict)

    @property
    def target_path(self) -> Path:
        return Path(os.environ.get("DBT_TARGET_PATH") or self.project_dir / "target")

    @property
    def as_of_date(self) -> date:
        return self.as_of or (datetime.now(UTC).date() - timedelta(days=1))

    def dbt_vars(self) -> str:
        values = dict(self.extra_vars)
        if self.as_of is not None:
            values["as_of_date"] = self.as_of.isoformat()
        return json.dumps(values)


def _dbt() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def _say(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def _run_dbt(config: NightlyConfig, args: list[str]) -> int:
    env = dict(os.environ)
    if config.db_path is not None:
        env["PILOT_DUCKDB_PATH"] = str(config.db_path)
    command = [_dbt(), *args, "--target", config.target, "--vars", config.dbt_vars()]
    return subprocess.run(command, cwd=config.project_dir, env=env, check=False).returncode


def _timed(name: str, action: Callable[[], Step]) -> Step:
    _say(f"{name}: starting")
    t0 = perf_counter()
    try:
        step = action()
    except Exception as exc:  # a step that crashes is a failed step, with the summary still printed
        step = Step(name, "failed", detail=f"internal error: {type(exc).__name__}: {exc}")
    step.seconds = perf_counter() - t0
    _say(f"{name}: {step.status} ({step.seconds:.1f} s){' - ' + step.detail if step.detail else ''}")
    return step


def run_nightly(config: NightlyConfig) -> tuple[int, list[Step]]:
    from copilot_governance.paths import database_path
    from copilot_governance.publishing.warehouse import PublishError, publish, serving_path_for

    steps: list[Step] = []
    db_path = database_path(config.db_path or os.environ.get("PILOT_DUCKDB_PATH"))
    config.db_path = db_path

    preflight = _timed(
        "preflight",
        lambda: (
            Step("preflight", "ok")
            if _run_dbt(config, ["run-operation", "preflight_raw_load", "--args", "{force: true}"]) == 0
            else Step("preflight", "failed", detail="bad configuration or a broken load (see the message above)")
        ),
    )
    steps.append(preflight)
    if preflight.status != "ok":
        steps += [Step(n, "skipped") for n in ("build", "publish", "brief")]
        return EXIT_PREFLIGHT, steps

    def build() -> Step:
        # tonight's results only: a dbt that dies before writing them must not be read as last night's
        (config.target_path / "run_results.json").unlink(missing_ok=True)
        _run_dbt(config, ["build", "--selector", "nightly"])
        try:
            outcome = read_build_outcome(config.target_path)
        except (OSError, ValueError, KeyError) as exc:
            return Step("build", "failed", detail=f"no readable run results ({exc})")
        counts = " ".join(f"{k.upper()}={v}" for k, v in sorted(outcome.statuses.items()))
        if not outcome.models_built:
            return Step("build", "failed", detail=f"{counts}; not built: {', '.join(outcome.failed_models[:10])}")
        if outcome.failed_tests:
            return Step("build", "tests failed", detail=f"{counts}; failed: {', '.join(outcome.failed_tests)}")
        return Step("build", "ok", detail=counts)

    build_step = _timed("build", build)
    steps.append(build_step)
    try:
        outcome = read_build_outcome(config.target_path)
    except (OSError, ValueError, KeyError):
        outcome = BuildOutcome(failed_models=["(no run results)"])
    steps.append(
        Step("gate", "fired" if outcome.gate_fired else "ok", detail=", ".join(outcome.fired_gates) or "no rule fired")
    )

    serving_path = config.serving_path or serving_path_for(db_path)
    if config.target != "duckdb":
        steps.append(Step("publish", "skipped", detail="Snowflake: readers use the analyst role's grants; no copy"))
        read_from = None
    elif not outcome.models_built:
        steps.append(Step("publish", "skipped", detail="models did not build; readers keep the previous snapshot"))
        read_from = None
    else:

        def do_publish() -> Step:
            try:
                done = publish(
                    db_path,
                    serving_path,
                    as_of_date=config.as_of_date.isoformat(),
                    build_status=build_step.status,
                    gate_fired=outcome.gate_fired,
                )
            except PublishError as exc:
                return Step("publish", "failed", detail=str(exc))
            return Step("publish", "ok", detail=f"{done.serving_path} ({done.relations} relations, {done.rows:,} rows)")

        publish_step = _timed("publish", do_publish)
        steps.append(publish_step)
        read_from = serving_path if publish_step.status == "ok" else db_path

    if read_from is None:
        why = (
            "the brief reads a DuckDB warehouse; on Snowflake it does not run yet"
            if config.target != "duckdb"
            else "no marts to read"
        )
        steps.append(Step("brief", "skipped", detail=why))
    else:
        steps.append(_timed("brief", lambda: _brief_step(config, read_from)))

    return _exit_code(steps), steps


def _brief_step(config: NightlyConfig, marts_db: Path) -> Step:
    from copilot_governance.publishing.brief import BriefError, collect, render_blocks, render_markdown, send

    try:
        brief = collect(marts_db, config.as_of)  # None: the night the build evaluated
        out_dir = config.brief_dir or marts_db.parent / "briefs"
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = out_dir / f"brief-{brief.as_of.isoformat()}"
        stem.with_suffix(".md").write_text(render_markdown(brief))
        stem.with_suffix(".json").write_text(json.dumps(render_blocks(brief), indent=2))
        url = os.environ.get("SLACK_WEBHOOK_URL")
        if not config.send_brief or not url:
            why = "--no-send" if not config.send_brief else "SLACK_WEBHOOK_URL is not set"
            return Step("brief", "ok", detail=f"written to {stem}.md/.json, not sent ({why})")
        send(url, brief)
    except BriefError as exc:
        return Step("brief", "failed", detail=str(exc))
    return Step("brief", "ok", detail=f"sent to Slack; also written to {stem}.md/.json")


def _exit_code(steps: list[Step]) -> int:
    status = {s.name: s.status for s in steps}
    applies = {
        EXIT_PREFLIGHT: status.get("preflight") == "failed",
        EXIT_BUILD: status.get("build") == "failed",
        EXIT_GATE_FIRED: status.get("gate") == "fired",
        EXIT_PUBLISH: status.get("publish") == "failed",
        EXIT_BRIEF: status.get("brief") == "failed",
        EXIT_TESTS: status.get("build") == "tests failed",
    }
    return next((code for code in EXIT_PRECEDENCE if applies[code]), EXIT_OK)


def summary(code: int, steps: list[Step], as_of: date) -> str:
    lines = [f"nightly summary (as of {as_of.isoformat()})"]
    for step in steps:
        seconds = f"{step.seconds:6.1f} s" if step.seconds else " " * 8
        lines.append(f"  {step.name:<10}{step.status:<13}{seconds}  {step.detail}".rstrip())
    lines.append(f"exit {code}: {EXIT_MEANINGS[code]}")
    return "\n".join(lines)
