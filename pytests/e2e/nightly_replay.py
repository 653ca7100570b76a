"""Replay a pilot night by night on one warehouse, exactly as a loader would deliver it.

One generated pilot (late tickets, late CSAT, re-deliveries, every governance event planted) is
the complete delivery. Each replayed night copies into the warehouse's raw tables only the rows
loaded before 06:00 the next morning, then runs the nightly build (production selection, no unit
tests) for that night with `reference_time` set to that morning. One night is skipped, as an
operator might forget it. Built once per test session and shared (the governance tests here,
the incremental tests later) through the `nightly_replay` fixture in conftest.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pytests.dbt_runner import DbtResult, run_dbt
from pytests.scenario import Scenario, generate

START, END, PILOT_START = "2026-09-29", "2026-11-13", "2026-10-13"
EVENT_DAY = dt.date(2026, 11, 6)
TICKETS_PER_DAY = "400"
FIRST_NIGHT = dt.date(2026, 10, 31)
NIGHTS = [FIRST_NIGHT + dt.timedelta(days=i) for i in range(14)]
SKIPPED_NIGHT = dt.date(2026, 11, 2)
RAW_TABLES = ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")
NIGHTLY = ["build", "--exclude", "resource_type:unit_test"]


def morning(night: dt.date) -> dt.datetime:
    """The morning after a night: when its nightly build runs."""
    return dt.datetime.combine(night + dt.timedelta(days=1), dt.time(6, 0))


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@dataclass
class Night:
    night: dt.date
    result: DbtResult
    run_rows: list[dict]


@dataclass
class Replay:
    source: Scenario
    warehouse: Path
    work_dir: Path
    nights: list[Night] = field(default_factory=list)
    #: int_governance__signal_evaluations after the last night: the complete, settled data.
    final_evaluations: list[dict] = field(default_factory=list)

    def deliver(self, until: dt.datetime) -> None:
        """Raw tables = the complete delivery's rows loaded before `until` (and rows without a load time)."""
        with duckdb.connect(str(self.warehouse)) as con:
            con.execute(f"attach '{self.source.db_path}' as delivery (read_only)")
            con.execute("create schema if not exists raw")
            for table in RAW_TABLES:
                con.execute(
                    f"create or replace table raw.{table} as select * from delivery.raw.{table} "
                    "where _loaded_at < ? or _loaded_at is null",
                    [until],
                )

    def build(self, night: dt.date, reference: dt.datetime, *extra: str) -> Night:
        result = run_dbt(
            [*NIGHTLY, *extra],
            self.warehouse,
            self.work_dir,
            dbt_vars={"as_of_date": night.isoformat(), "reference_time": reference.isoformat(sep=" ")},
        )
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            run_rows = rows(
                con,
                "select * from marts.rollback_runs "
                "where run_sequence = (select max(run_sequence) from marts.rollback_runs)",
            )
        return Night(night, result, run_rows)

    def query(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return rows(con, sql)


def run_replay(work_dir: Path) -> Replay:
    work_dir.mkdir(parents=True, exist_ok=True)
    args = ["--start-date", START, "--end-date", END, "--pilot-start-date", PILOT_START]
    args += ["--tickets-per-day", TICKETS_PER_DAY, "--plant", "all-governance", "--event-date", EVENT_DAY.isoformat()]
    source = generate(work_dir / "delivery", *args)
    replay = Replay(source, work_dir / "warehouse.duckdb", work_dir / "dbt")
    for night in NIGHTS:
        if night == SKIPPED_NIGHT:
            continue
        replay.deliver(morning(night))
        replay.nights.append(replay.build(night, morning(night)))
    replay.final_evaluations = replay.query(
        "select * from intermediate.int_governance__signal_evaluations where signal_kind = 'rollback_rule'"
    )
    shutil.copy(replay.warehouse, work_dir / "warehouse_after_replay.duckdb")
    return replay
