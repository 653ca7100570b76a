"""Shared pieces of the governance end-to-end tests: one generated pilot with every governance
event planted (built once per session: the `pilot` fixture of conftest.py),
and an independent reading of the raw tables and the configuration seeds in Python."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from functools import cache
from pathlib import Path

import duckdb

from copilot_governance.publishing.warehouse import publish
from pytests.dbt_runner import PROJECT_ROOT, DbtResult
from pytests.scenario import Scenario, build, generate

START = "2026-10-01"
END = "2026-10-21"
PILOT_START = "2026-10-08"
#: As-of day of the planted events (their window is EVENT_DAY-2 .. EVENT_DAY).
EVENT_DAY = dt.date(2026, 10, 18)
#: A pilot day whose windows (current and reference) hold no planted event.
CLEAN_DAY = dt.date(2026, 10, 14)
TICKETS_PER_DAY = "1500"

GATE_TESTS = {
    "residency_violation": "assert_no_residency_violation",
    "confidence_drift": "assert_no_confidence_drift",
    "escalation_breach": "assert_no_escalation_breach",
    "csat_drop": "assert_no_csat_drop",
    "data_completeness": "assert_no_data_completeness",
}
#: The rollback rule each generator plant must fire.
PLANT_RULE = {
    "residency_violation": "residency_violation",
    "residency_no_policy": "residency_violation",
    "residency_unknown_ticket": "residency_violation",
    "confidence_drift": "confidence_drift",
    "escalation_spike": "escalation_breach",
    "csat_drop": "csat_drop",
}


def generate_pilot(work_dir: Path, *plants: str) -> Scenario:
    args = ["--start-date", START, "--end-date", END, "--pilot-start-date", PILOT_START]
    args += ["--tickets-per-day", TICKETS_PER_DAY, "--event-date", EVENT_DAY.isoformat()]
    for plant in plants:
        args += ["--plant", plant]
    return generate(work_dir, *args)


def gate_outcomes(result: DbtResult) -> dict[str, str]:
    """Gate test name -> status (pass, warn, fail) of a dbt invocation."""
    statuses = result.statuses()
    out = {}
    for rule, test in GATE_TESTS.items():
        matches = [s for uid, s in statuses.items() if uid == f"test.copilot_governance.{test}"]
        out[rule] = matches[0] if matches else "not_run"
    return out


class AllEvents:
    """Every governance event planted; built for EVENT_DAY, then for CLEAN_DAY (same database), each
    build published to a serving file of its own."""

    def __init__(self, work_dir: Path) -> None:
        self.scenario = generate_pilot(work_dir, "all-governance")
        self.event_build = build(self.scenario, dbt_vars={"as_of_date": EVENT_DAY.isoformat()})
        # store_failures replaces a test's audit table on every run: read the event night's now.
        self.event_audit = {
            test: self.query(f"select * from audit.{test} order by scope") for test in GATE_TESTS.values()
        }
        # each night's published warehouse (issue 12), as BI tools and the brief read it
        self.event_serving = publish(self.scenario.db_path, work_dir / "event.serving.duckdb").serving_path
        self.clean_build = build(self.scenario, dbt_vars={"as_of_date": CLEAN_DAY.isoformat()})
        self.clean_serving = publish(self.scenario.db_path, work_dir / "clean.serving.duckdb").serving_path

    def events(self) -> dict[str, dict]:
        return {e["event"]: e for e in self.scenario.manifest["events"]}

    def query(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.scenario.db_path), read_only=True) as con:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@cache
def all_events(work_dir: Path) -> AllEvents:
    return AllEvents(work_dir)


# --- an independent reading of the configuration and the raw tables ------------------------------


def seed_rows(relative_path: str) -> list[dict]:
    with (PROJECT_ROOT / "seeds" / relative_path).open(newline="") as handle:
        return list(csv.DictReader(handle))


def rule_config() -> dict[str, dict]:
    """Each rollback rule with its limit resolved from kpi_targets where it names one."""
    targets = {r["metric"]: float(r["target_value"]) for r in seed_rows("pilot/kpi_targets.csv")}
    rules = {}
    for row in seed_rows("governance/rollback_rules.csv"):
        base = targets[row["limit_source_metric"]] if row["limit_source_metric"] else float(row["limit_value"])
        rules[row["rule"]] = {
            **row,
            "limit": round(base * float(row["limit_factor"]), 9),
            "min_sample": int(row["min_sample"]) if row["min_sample"] else 0,
            "window": int(row["current_window_days"]),
            "reference_window": int(row["reference_window_days"] or 0),
        }
    return rules


def residency_policy() -> dict[str, set[str]]:
    policy: dict[str, set[str]] = defaultdict(set)
    for row in seed_rows("governance/residency_policy.csv"):
        policy[row["ticket_region"]].add(row["allowed_processing_region"])
    return policy


RAW_KEYS = {"zs_ticket_outcomes": "ticket_id", "zs_prompt_logs": "prompt_id", "zs_draft_confidence": "draft_id"}


class Raw:
    """Latest delivery per key of each raw table; `valid` drops the rows the manifest planted as bad."""

    def __init__(self, scenario: Scenario) -> None:
        self.latest: dict[str, dict[str, dict]] = {}
        bad = defaultdict(set)
        for row in scenario.manifest["bad_rows"]:
            if row["key"] is not None:
                bad[row["table"]].add(row["key"])
        self.valid: dict[str, dict[str, dict]] = {}
        with duckdb.connect(str(scenario.db_path), read_only=True) as con:
            for table, key in RAW_KEYS.items():
                cur = con.execute(f"select * from raw.{table}")
                names = [d[0] for d in cur.description]
                latest: dict[str, dict] = {}
                for values in cur.fetchall():
                    row = dict(zip(names, values, strict=True))
                    if row[key] is None:
                        continue
                    held = latest.get(row[key])
                    if held is None or _delivery_order(row) > _delivery_order(held):
                        latest[row[key]] = row
                self.latest[table] = latest
                self.valid[table] = {k: r for k, r in latest.items() if k not in bad[table]}

    @property
    def tickets(self) -> dict[str, dict]:
        return self.valid["zs_ticket_outcomes"]

    @property
    def calls(self) -> dict[str, dict]:
        return self.valid["zs_prompt_logs"]

    @property
    def drafts(self) -> dict[str, dict]:
        return self.valid["zs_draft_confidence"]


def _delivery_order(row: dict) -> tuple:
    return (row["_loaded_at"] or dt.datetime.min, row.get("updated_at") or dt.datetime.min)


def window_days(day: dt.date, length: int, offset: int = 0) -> set[dt.date]:
    """The `length` days ending `offset` days before `day`."""
    return {day - dt.timedelta(days=offset + i) for i in range(length)}
