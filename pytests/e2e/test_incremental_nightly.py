"""Issue 10: the incremental nightly equals a full rebuild, on the replay a loader delivers.

The shared replay (conftest.nightly_replay) builds fourteen nights incrementally (one skipped, one
built twice) with late rows, re-deliveries and three planted re-deliveries of old tickets. After
the night built twice, a night midway and the last night, a --full-refresh build of a snapshot
taken just before the night's build (same raw data, same history, same vars) must give every public
relation row for row (doubles within 1e-9, relative), rollback_runs and its derived relations too.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pytests.e2e.nightly_replay import (
    BROKEN_NIGHT,
    COMPARED_NIGHTS,
    CORRECTED_NIGHT,
    MOVED_NIGHT,
    NIGHTS,
    RERUN_NIGHT,
    SKIPPED_NIGHT,
    Replay,
)
from pytests.e2e.relation_compare import differences

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("night", COMPARED_NIGHTS, ids=lambda night: night.isoformat())
def test_every_public_relation_equals_a_full_rebuild(nightly_replay: Replay, night):
    compared = nightly_replay.compared_relations[night]
    # the comparison looked at the contract's marts, the facts and the audit relations
    names = {name for _, name in compared}
    assert {"pilot_kpis_daily", "anomaly_residency_mismatch", "fct_tickets", "audit_quarantined_rows"} <= names
    # and the history: both builds start the night from the same snapshot
    assert {"rollback_history", "rollback_runs", "rollback_calendar", "rollback_status"} <= names
    assert nightly_replay.full_refresh_differences[night] == []


def test_the_night_built_twice_is_compared(nightly_replay: Replay):
    built = [n.night for n in nightly_replay.nights]
    assert built.count(RERUN_NIGHT) == 2
    assert RERUN_NIGHT in COMPARED_NIGHTS and NIGHTS[-1] in COMPARED_NIGHTS
    assert SKIPPED_NIGHT not in built


def _present(replay: Replay, label: str) -> dict:
    return {
        night: (counts[f"{label}:staging.stg_copilot__ticket_outcomes"], counts[f"{label}:marts.fct_tickets"])
        for night, counts in replay.planted_rows.items()
    }


def test_a_corrected_quarantined_ticket_enters_the_marts_on_its_night(nightly_replay: Replay):
    for night, present in _present(nightly_replay, "corrected").items():
        assert present == ((1, 1) if night >= CORRECTED_NIGHT else (0, 0)), night


def test_a_valid_ticket_redelivered_broken_leaves_the_marts_on_its_night(nightly_replay: Replay):
    for night, present in _present(nightly_replay, "broken").items():
        assert present == ((0, 0) if night >= BROKEN_NIGHT else (1, 1)), night


def test_an_old_ticket_redelivered_moves_its_solved_day(nightly_replay: Replay):
    days = {night: counts["moved:solved_date"] for night, counts in nightly_replay.planted_rows.items()}
    before = {day for night, day in days.items() if night < MOVED_NIGHT}
    after = {day for night, day in days.items() if night >= MOVED_NIGHT}
    assert len(before) == 1 and len(after) == 1 and before != after


def test_a_draft_and_its_call_moved_to_another_ticket_move_on_their_night(nightly_replay: Replay):
    planted = nightly_replay.planted
    for night, counts in nightly_replay.planted_rows.items():
        expected = planted.moved_ticket if night >= MOVED_NIGHT else planted.moved_from_ticket
        assert (counts["moved_draft:ticket_id"], counts["moved_call:ticket_id"]) == (expected, expected), night


def _warehouse(path, rows: list[tuple], fails_build: bool = True) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.pilot_kpis_daily (kpi_date date, queue varchar, csat_pct double, n integer)")
        con.executemany("insert into marts.pilot_kpis_daily values (?, ?, ?, ?)", rows)
        # the run's id differs from warehouse to warehouse and is not compared; what it reported is
        con.execute("create table marts.rollback_status (rule varchar, run_id varchar, fails_build boolean)")
        con.execute("insert into marts.rollback_status values ('csat_drop', ?, ?)", [str(path), fails_build])


@pytest.mark.parametrize(
    ("changed", "equal"),
    [
        ((dt.date(2026, 11, 1), "billing", 80.0 * (1 + 1e-12), 7), True),  # summation order
        ((dt.date(2026, 11, 1), "billing", 80.0 * (1 + 1e-6), 7), False),
        ((dt.date(2026, 11, 1), "billing", 80.0, 8), False),
        ((dt.date(2026, 11, 1), "returns", 80.0, 7), False),
        ((dt.date(2026, 11, 2), "billing", 80.0, 7), False),
        ((dt.date(2026, 11, 1), "billing", None, 7), False),
    ],
)
def test_the_comparison_tells_a_difference_from_rounding(tmp_path, changed, equal):
    base = [(dt.date(2026, 11, 1), "billing", 80.0, 7), (dt.date(2026, 11, 1), "faq", 1e-16, 3)]
    _warehouse(tmp_path / "a.duckdb", base)
    _warehouse(tmp_path / "b.duckdb", [changed, (dt.date(2026, 11, 1), "faq", 2e-16, 3)])
    relations = [("marts", "pilot_kpis_daily"), ("marts", "rollback_status")]
    found = differences(tmp_path / "a.duckdb", tmp_path / "b.duckdb", relations)
    assert (found == []) is equal, found
    _warehouse(tmp_path / "c.duckdb", base[:1])
    assert differences(tmp_path / "a.duckdb", tmp_path / "c.duckdb", relations)  # a row missing
    _warehouse(tmp_path / "d.duckdb", base, fails_build=False)
    assert differences(tmp_path / "a.duckdb", tmp_path / "d.duckdb", relations)  # the run reported otherwise
