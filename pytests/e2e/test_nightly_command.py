"""`copilot-governance nightly` as cron runs it (issue 12): one command from any directory; the gate
firing is exit 1 with the marts built, published and briefed; a BI reader holding the serving file
open blocks nothing; a broken load is exit 2 before any model, and readers keep yesterday's file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_runner import PROJECT_ROOT
from pytests.e2e.nightly_command_run import AS_OF, CLI, READ, Night, nightly
from pytests.scenario import Scenario
from pytests.webhook import Webhook

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def night(nightly_command_run: Night) -> Night:
    return nightly_command_run


def test_a_firing_gate_is_exit_1_with_everything_built_published_and_briefed(night):
    out = night.proc.stdout
    assert night.proc.returncode == 1, out[-3000:] + night.proc.stderr[-2000:]
    summary = out[out.index("nightly summary") :]
    assert summary.splitlines()[0] == f"nightly summary (as of {AS_OF})"
    status = {line.split()[0]: line.split()[1] for line in summary.splitlines()[1:-1]}
    assert status == {"preflight": "ok", "build": "ok", "gate": "fired", "publish": "ok", "brief": "ok"}
    assert "assert_no_residency_violation" in summary
    assert summary.splitlines()[-1].startswith("exit 1: the rollback gate fired")


def test_the_reader_kept_its_snapshot_and_new_readers_see_tonight(night):
    assert night.reader_saw == "yesterday"
    fresh = subprocess.run(
        [sys.executable, "-c", READ, str(night.serving), "select decision from marts.pilot_go_no_go"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() in {"GO", "ITERATE", "STOP", "INCOMPLETE"}
    gate = subprocess.run(
        [sys.executable, "-c", READ, str(night.serving), "select is_gate_fired from serving.publication"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert gate.stdout.strip() == "True"


def test_the_brief_went_to_slack_and_to_files(night):
    (request,) = night.requests
    blocks = request["body"]["blocks"]
    assert (
        blocks[0]["text"]["text"].startswith(f"Copilot pilot brief {AS_OF}")
        and "GATE FIRED" in blocks[0]["text"]["text"]
    )
    rollbacks = next(
        b["text"]["text"] for b in blocks if b.get("text", {}).get("text", "").startswith("*Rollback rules*")
    )
    assert "ERROR residency_violation fired for EU" in rollbacks and "notify: llm_safety_officer" in rollbacks
    assert (night.brief_dir / f"brief-{AS_OF}.md").read_text().startswith(f"# Copilot pilot brief {AS_OF}")
    assert (night.brief_dir / f"brief-{AS_OF}.json").is_file()


def test_a_broken_load_is_exit_2_and_readers_keep_the_published_file(night, tmp_path):
    broken = Scenario(tmp_path / "pilot.duckdb", tmp_path, night.scenario.manifest)
    shutil.copy(night.scenario.db_path, broken.db_path)
    with duckdb.connect(str(broken.db_path)) as con:
        con.execute("alter table raw.zs_ticket_outcomes drop column channel")
    serving = tmp_path / "serving.duckdb"
    shutil.copy(night.serving, serving)
    before = serving.read_bytes()
    hook = Webhook([(200, "ok")])
    try:
        proc = nightly(broken, serving, tmp_path / "briefs", hook.url)
    finally:
        hook.close()
    assert proc.returncode == 2, proc.stdout[-3000:]
    assert "table zs_ticket_outcomes has no column channel (type expected: varchar)" in proc.stdout
    summary = proc.stdout[proc.stdout.index("nightly summary") :]
    assert [line.split()[1] for line in summary.splitlines()[1:-1]] == ["failed", "skipped", "skipped", "skipped"]
    assert serving.read_bytes() == before and hook.requests == []


def section(markdown: str, heading: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(f"## {heading}") + 2
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line]


def rows(path: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_the_briefs_kpi_lines_are_the_published_marts(night):
    """AHT per scope against baseline (with its interval where the sample allows) and against control
    in words, as the published scorecard and control comparison give them."""
    markdown = (night.brief_dir / f"brief-{AS_OF}.md").read_text()
    comparisons = {
        (r["queue"], r["region"]): r
        for r in rows(night.serving, "select * from marts.pilot_control_comparison where metric = 'aht_seconds'")
    }
    scorecard = rows(night.serving, "select * from marts.pilot_scorecard where metric = 'aht_seconds'")
    assert len(scorecard) == 4 and all(r["pilot_value"] is not None for r in scorecard)
    for row in scorecard:
        heading = f"KPIs {row['queue']} / {row['region']} ({row['pilot_id']}): pilot arm vs baseline and control"
        aht, words = section(markdown, heading)[:2]
        expected = f"- AHT {row['pilot_value']:,.0f} s"
        if row["denominator"] >= row["min_sample"]:
            expected += f" (95% {row['pilot_value_lower']:,.0f} s-{row['pilot_value_upper']:,.0f} s)"
        expected += f" vs baseline {row['baseline_value']:,.0f} s ({100 * row['delta_pct']:+.1f}%): {row['status']}"
        expected = expected.replace("insufficient_data", "insufficient data")
        if row["denominator"] < row["min_sample"]:
            expected += f" (n={row['denominator']:,} < {row['min_sample']:,})"
        assert aht == expected
        c = comparisons[(row["queue"], row["region"])]
        if c["status"] == "insufficient_data":
            assert words.strip() == "- AHT against control: not enough data yet"
        else:
            size = f"{abs(c['difference']):,.0f} s {'lower' if c['difference'] < 0 else 'higher'}"
            interval = (
                f"95% sequential interval {c['difference_cs_lower']:+,.0f} s to {c['difference_cs_upper']:+,.0f} s"
            )
            assert size in words and "95% sequential interval" in words, (words, interval)
    cost = section(markdown, "Cost")[0]
    (day,) = rows(
        night.serving,
        "select count(*) as tickets, sum(model_cost_usd) as cost from marts.fct_tickets"
        f" where solved_date = date '{AS_OF}' and model_calls > 0",
    )
    assert cost == (
        f"- Cost per solved ticket on {AS_OF}: ${day['cost'] / day['tickets']:,.4f} "
        f"(${day['cost']:,.4f} over {day['tickets']:,} solved tickets with copilot calls)."
    )


def test_a_bad_var_stops_at_the_pre_flight(night, tmp_path):
    """A night after today is refused when dbt parses, before any model: exit 2, the var named."""
    scenario = Scenario(tmp_path / "pilot.duckdb", tmp_path, night.scenario.manifest)
    shutil.copy(night.scenario.db_path, scenario.db_path)
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
    }
    env.pop("SLACK_WEBHOOK_URL", None)
    proc = subprocess.run(
        [CLI, "nightly", "--as-of", "2099-01-01", "--db", str(scenario.db_path), "--no-send"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout[-3000:]
    assert "as_of_date" in proc.stdout and "preflight failed" in proc.stdout
