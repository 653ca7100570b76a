"""Replay a pilot night by night on one warehouse, exactly as a loader would deliver it.

One generated pilot (late tickets, late CSAT, re-deliveries, every governance event planted) is
the complete delivery. Each replayed night copies into the warehouse's raw tables only the rows
loaded before 06:00 the next morning, then runs the nightly build (production selection, no unit
tests) for that night with `reference_time` set to that morning. One night is skipped, as an
operator might forget it. Built once per test session and shared (the governance tests here,
the incremental tests) through the `nightly_replay` fixture in conftest.py.

Issue 10: the nightly build is incremental. On top of the generator's late rows and re-deliveries,
the replay plants the changes a loader can make (`plant_changes`): a quarantined ticket corrected
by a re-delivery, a valid old ticket re-delivered broken (it must leave every mart), an old ticket
re-delivered with another solved day and CSAT, and a draft and its call re-delivered for that
ticket (both tickets' families change); and it builds one night twice. After the
night run twice, a night midway and the last night, a copy of the warehouse is rebuilt with
--full-refresh at the same vars, and every public relation is compared with the incremental one.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pytests.dbt_runner import DbtResult, run_dbt
from pytests.e2e.relation_compare import differences, public_relations
from pytests.scenario import Scenario, generate

START, END, PILOT_START = "2026-09-29", "2026-11-13", "2026-10-13"
EVENT_DAY = dt.date(2026, 11, 6)
TICKETS_PER_DAY = "400"
FIRST_NIGHT = dt.date(2026, 10, 31)
NIGHTS = [FIRST_NIGHT + dt.timedelta(days=i) for i in range(14)]
SKIPPED_NIGHT = dt.date(2026, 11, 2)
RAW_TABLES = ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")
NIGHTLY = ["build", "--exclude", "resource_type:unit_test"]
#: Built twice in a row (the same delivery, the same vars), as an operator re-running a night.
RERUN_NIGHT = NIGHTS[4]
#: After these nights the incremental warehouse is compared with a full rebuild of a copy.
COMPARED_NIGHTS = (RERUN_NIGHT, NIGHTS[9], NIGHTS[-1])
#: The planted re-deliveries load in the evening of these nights.
CORRECTED_NIGHT, BROKEN_NIGHT, MOVED_NIGHT = NIGHTS[5], NIGHTS[7], NIGHTS[8]


def evening(night: dt.date) -> dt.datetime:
    return dt.datetime.combine(night, dt.time(20, 0))


@dataclass(frozen=True)
class PlantedChanges:
    corrected_ticket: str
    broken_ticket: str
    moved_ticket: str
    #: a draft and a model call of an old ticket, re-delivered for another ticket (moved_ticket)
    moved_draft: str
    moved_call: str
    moved_from_ticket: str


def plant_changes(delivery_db: Path) -> PlantedChanges:
    """Append three re-deliveries of old tickets to the complete delivery (see the module doc)."""
    with duckdb.connect(str(delivery_db)) as con:
        first_load = dt.datetime.combine(FIRST_NIGHT, dt.time(0, 0))
        latest = (
            "select * from raw.zs_ticket_outcomes as t where _loaded_at < ? and _loaded_at = "
            "(select max(u._loaded_at) from raw.zs_ticket_outcomes as u where u.ticket_id = t.ticket_id)"
        )
        corrected = con.execute(
            f"select ticket_id from ({latest}) where handle_time_seconds < 0 and reopens >= 0 "
            "and agent_replies >= 0 order by ticket_id limit 1",
            [first_load],
        ).fetchall()[0][0]
        con.execute(
            "insert into raw.zs_ticket_outcomes by name select * replace (-handle_time_seconds as "
            f"handle_time_seconds, ?::timestamp as _loaded_at) from ({latest}) where ticket_id = ?",
            [evening(CORRECTED_NIGHT), first_load, corrected],
        )
        valid_solved = (
            f"select ticket_id from ({latest}) where solved_at is not null and handle_time_seconds >= 0 "
            "and satisfaction_rating = 'good' and resolved_by = 'agent' order by ticket_id"
        )
        broken, moved = (row[0] for row in con.execute(valid_solved + " limit 2", [first_load]).fetchall())
        con.execute(
            "insert into raw.zs_ticket_outcomes by name select * replace (-1 as reopens, ?::timestamp as "
            f"_loaded_at) from ({latest}) where ticket_id = ?",
            [evening(BROKEN_NIGHT), first_load, broken],
        )
        con.execute(
            "insert into raw.zs_ticket_outcomes by name select * replace (solved_at + interval 2 day as solved_at, "
            "solved_at + interval 2 day as updated_at, 'bad' as satisfaction_rating, ?::timestamp as _loaded_at) "
            f"from ({latest}) where ticket_id = ?",
            [evening(MOVED_NIGHT), first_load, moved],
        )
        # A draft and its call move from an old ticket to the moved ticket: both families change.
        draft, call, moved_from = con.execute(
            "select d.draft_id, d.prompt_id, d.ticket_id from raw.zs_draft_confidence as d "
            "inner join raw.zs_prompt_logs as p on d.prompt_id = p.prompt_id and d.ticket_id = p.ticket_id "
            "where d._loaded_at < ? and p._loaded_at < ? and d.ticket_id not in (?, ?, ?) "
            "order by d.draft_id limit 1",
            [first_load, first_load, corrected, broken, moved],
        ).fetchall()[0]
        for table, key, value in (("zs_draft_confidence", "draft_id", draft), ("zs_prompt_logs", "prompt_id", call)):
            con.execute(
                f"insert into raw.{table} by name select * replace (?::varchar as ticket_id, ?::timestamp as "
                f"_loaded_at) from raw.{table} where {key} = ? and _loaded_at = "
                f"(select max(_loaded_at) from raw.{table} where {key} = ?)",
                [moved, evening(MOVED_NIGHT), value, value],
            )
    return PlantedChanges(corrected, broken, moved, draft, call, moved_from)


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
    planted: PlantedChanges | None = None
    #: night -> the public relations that differ from a --full-refresh build (empty: all equal).
    full_refresh_differences: dict[dt.date, list[str]] = field(default_factory=dict)
    #: night -> the public relations compared (their count proves the comparison looked).
    compared_relations: dict[dt.date, list[tuple[str, str]]] = field(default_factory=dict)
    #: night -> the relations the planted tickets appear in: (ticket_id, relation) -> rows.
    planted_rows: dict[dt.date, dict[str, int]] = field(default_factory=dict)

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

    def snapshot(self, night: dt.date) -> Path:
        """A copy of the warehouse as the night's build finds it: the night's raw data, and the
        relations (rollback_runs' history with them) as the previous build left them."""
        copy = self.work_dir.parent / f"full_refresh_{night.isoformat()}.duckdb"
        shutil.copy(self.warehouse, copy)
        return copy

    def compare_with_full_refresh(self, night: dt.date, reference: dt.datetime, copy: Path) -> None:
        """Build the night's snapshot with --full-refresh at the night's vars; record what differs
        from the incremental build of the same night."""
        result = run_dbt(
            ["run", "--full-refresh"],
            copy,
            self.work_dir.parent / f"full_refresh_{night.isoformat()}",
            dbt_vars={"as_of_date": night.isoformat(), "reference_time": reference.isoformat(sep=" ")},
        )
        assert result.returncode == 0, result.output[-5000:]
        relations = public_relations(self.work_dir / "target" / "manifest.json")
        self.compared_relations[night] = relations
        self.full_refresh_differences[night] = differences(self.warehouse, copy, relations)
        copy.unlink()

    def count_planted(self, night: dt.date) -> None:
        assert self.planted is not None
        tickets = {
            "corrected": self.planted.corrected_ticket,
            "broken": self.planted.broken_ticket,
            "moved": self.planted.moved_ticket,
        }
        counts = {}
        for label, ticket in tickets.items():
            for relation in ("staging.stg_copilot__ticket_outcomes", "marts.fct_tickets"):
                counts[f"{label}:{relation}"] = self.query(
                    f"select count(*) as n from {relation} where ticket_id = '{ticket}'"
                )[0]["n"]
            counts[f"{label}:solved_date"] = str(
                self.query(f"select max(solved_date) as d from marts.fct_tickets where ticket_id = '{ticket}'")[0]["d"]
            )
        for label, relation, key, value in (
            ("moved_draft", "marts.fct_drafts", "draft_id", self.planted.moved_draft),
            ("moved_call", "marts.fct_model_calls", "prompt_id", self.planted.moved_call),
        ):
            counts[f"{label}:ticket_id"] = self.query(
                f"select max(ticket_id) as t from {relation} where {key} = '{value}'"
            )[0]["t"]
        self.planted_rows[night] = counts

    def query(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return rows(con, sql)


def run_replay(work_dir: Path) -> Replay:
    work_dir.mkdir(parents=True, exist_ok=True)
    args = ["--start-date", START, "--end-date", END, "--pilot-start-date", PILOT_START]
    args += ["--tickets-per-day", TICKETS_PER_DAY, "--plant", "all-governance", "--event-date", EVENT_DAY.isoformat()]
    source = generate(work_dir / "delivery", *args)
    replay = Replay(source, work_dir / "warehouse.duckdb", work_dir / "dbt")
    replay.planted = plant_changes(source.db_path)
    for night in NIGHTS:
        if night == SKIPPED_NIGHT:
            continue
        replay.deliver(morning(night))
        builds = 2 if night == RERUN_NIGHT else 1
        snapshot = None
        for build in range(builds):
            if night in COMPARED_NIGHTS and build == builds - 1:
                snapshot = replay.snapshot(night)
            replay.nights.append(replay.build(night, morning(night)))
        replay.count_planted(night)
        if snapshot is not None:
            replay.compare_with_full_refresh(night, morning(night), snapshot)
    replay.final_evaluations = replay.query(
        "select * from intermediate.int_governance__signal_evaluations where signal_kind = 'rollback_rule'"
    )
    shutil.copy(replay.warehouse, work_dir / "warehouse_after_replay.duckdb")
    return replay
