"""The nightly's duty on replayed nights (metrics.md v1.1, marts.md v1.1).

Every error firing that the settled data gives fails exactly one nightly build, the first whose
data proves it, and names the night; no build fails otherwise; provisional firings only warn;
re-running a night replaces it in rollback_history and adds to rollback_runs; the calendar shows
the skipped night; the final rollback_history equals what the settled data says. The expected
firings come from the evaluation of the complete delivery (the last night's build, whose data
holds every row), the builds' outcomes from the replay.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb
import pytest

from pytests.e2e.nightly_replay import (
    EVENT_DAY,
    NIGHTS,
    SKIPPED_NIGHT,
    Replay,
    morning,
)

pytestmark = pytest.mark.e2e

EVALUATED = [n for n in NIGHTS if n != SKIPPED_NIGHT]


def key(row: dict, night_column: str = "as_of_date") -> tuple:
    return (row[night_column], row["rule"], row["scope"])


def is_fact(rule: str, scope: str) -> bool:
    """A residency violation of a known ticket fails at once, even on provisional data."""
    return rule == "residency_violation" and scope != "unknown"


def settled_error_firings(replay: Replay) -> set[tuple]:
    """What the settled data gives: error firings of the evaluated nights (facts even unsettled)."""
    return {
        (e["eval_date"], e["signal"], e["scope"])
        for e in replay.final_evaluations
        if e["eval_date"] in EVALUATED
        and e["status"] == "breach"
        and e["severity"] == "error"
        and (e["is_window_settled"] or is_fact(e["signal"], e["scope"]))
    }


def test_the_replay_plants_events_that_fire(nightly_replay: Replay):
    rules = {rule for _, rule, _ in settled_error_firings(nightly_replay)}
    assert {"residency_violation", "confidence_drift", "escalation_breach"} <= rules
    scopes = {scope for _, rule, scope in settled_error_firings(nightly_replay) if rule == "residency_violation"}
    assert "unknown" in scopes and len(scopes) >= 2


def test_every_settled_error_firing_fails_exactly_one_build(nightly_replay: Replay):
    told = Counter(key(r) for n in nightly_replay.nights for r in n.run_rows if r["fails_build"])
    assert all(count == 1 for count in told.values()), {k: c for k, c in told.items() if c > 1}
    assert set(told) == settled_error_firings(nightly_replay)


def test_a_build_fails_exactly_when_it_has_a_firing_to_report(nightly_replay: Replay):
    for night in nightly_replay.nights:
        reports = [r for r in night.run_rows if r["fails_build"]]
        assert (night.result.returncode != 0) == bool(reports), (night.night, night.result.output[-3000:])
        failing = night.result.failing("fail") + night.result.failing("error")
        assert all(uid.startswith("test.copilot_governance.assert_no_") for uid in failing), failing
        assert not night.result.failing("skipped"), night.result.failing("skipped")
        for report in reports:
            # the console names the rule, the scope and the night of each firing
            assert f"{report['rule']} fired for {report['scope']} (night {report['as_of_date']}" in night.result.output


def test_unknown_tickets_fail_only_once_settled_and_known_violations_at_once(nightly_replay: Replay):
    reports = [(n.night, r) for n in nightly_replay.nights for r in n.run_rows if r["fails_build"]]
    residency = [(night, r) for night, r in reports if r["rule"] == "residency_violation"]
    assert residency
    for night, row in residency:
        if row["scope"] == "unknown":
            assert not row["is_as_of_night"] and row["is_settled"], row
        else:
            assert row["is_as_of_night"] and row["as_of_date"] == night, row


def test_provisional_firings_only_warn(nightly_replay: Replay):
    provisional = [
        r
        for n in nightly_replay.nights
        for r in n.run_rows
        if r["status"] == "fired" and r["is_provisional"] and not is_fact(r["rule"], r["scope"])
    ]
    assert provisional, "the replay should show provisional firings (the event nights before they settle)"
    assert all(r["severity"] == "warn" and not r["fails_build"] for r in provisional)


def test_no_data_completeness_firing_on_nights_delivered_on_time(nightly_replay: Replay):
    fired = [
        r
        for n in nightly_replay.nights
        for r in n.run_rows
        if r["rule"] == "data_completeness" and r["status"] == "fired"
    ]
    assert fired == []


def test_final_history_equals_what_the_settled_data_says(nightly_replay: Replay):
    history = nightly_replay.query("select * from marts.rollback_history")
    # a night is settled when every raw table's window is (the data_completeness rows)
    tables = [e for e in nightly_replay.final_evaluations if e["signal"] == "data_completeness"]
    unsettled = {e["eval_date"] for e in tables if not e["is_window_settled"]}
    nights = [n for n in EVALUATED if n not in unsettled]
    assert len(nights) >= 10
    expected = {
        (e["eval_date"], e["signal"], e["scope"])
        for e in nightly_replay.final_evaluations
        if e["eval_date"] in nights and e["status"] == "breach"
    }
    fired = {key(r) for r in history if r["as_of_date"] in nights and r["status"] == "fired"}
    assert fired == expected
    for night in nights:
        night_rows = [r for r in history if r["as_of_date"] == night]
        assert all(r["is_settled"] and not r["is_provisional"] for r in night_rows), night
        by_rule = Counter((r["rule"], r["scope"] == "*") for r in night_rows)
        # a rule holds either '*' or its fired scopes, never both
        assert all(not (by_rule[(rule, True)] and by_rule[(rule, False)]) for rule, _ in by_rule)


def test_the_calendar_shows_every_night_and_the_skipped_one(nightly_replay: Replay):
    calendar = {r["night"]: r for r in nightly_replay.query("select * from marts.rollback_calendar")}
    assert calendar[SKIPPED_NIGHT]["evaluation_status"] == "never_evaluated"
    assert not calendar[SKIPPED_NIGHT]["is_evaluated"]
    for night in EVALUATED:
        assert calendar[night]["is_evaluated"], night
    assert calendar[NIGHTS[-1]]["evaluation_status"] == "provisional"
    assert calendar[EVENT_DAY]["evaluation_status"] == "settled"
    assert calendar[EVENT_DAY]["build_failures"] >= 1
    first = min(calendar)
    assert calendar[first]["evaluation_status"] == "never_evaluated"


def test_first_and_last_fired_dates_come_from_the_history(nightly_replay: Replay):
    history = nightly_replay.query("select * from marts.rollback_history where status = 'fired'")
    dates = {r["rule"] + "/" + r["scope"]: r for r in nightly_replay.query("select * from marts.rollback_fired_dates")}
    for name, row in dates.items():
        nights = [h["as_of_date"] for h in history if h["rule"] + "/" + h["scope"] == name]
        assert (row["first_fired_date"], row["last_fired_date"], row["nights_fired"]) == (
            min(nights),
            max(nights),
            len(nights),
        )


def test_a_corrected_night_rerun_replaces_its_history_and_adds_a_run(nightly_replay: Replay):
    # --full-refresh below: the runs of every earlier night survive it
    count_all_runs = "select count(distinct run_id) as n from marts.rollback_runs"
    nights_before = nightly_replay.query(count_all_runs)[0]["n"]
    """Runs after the replay's own assertions (module order): it changes the warehouse."""
    violating = nightly_replay.query(
        "select prompt_id from marts.anomaly_residency_mismatch "
        f"where ticket_region = 'EU' and logged_date = date '{EVENT_DAY}'"
    )
    assert violating
    runs_before = nightly_replay.query(
        f"select count(*) as n from marts.rollback_runs where as_of_date = date '{EVENT_DAY}'"
    )
    corrected_at = morning(NIGHTS[-1]) + dt.timedelta(minutes=30)
    ids = [r["prompt_id"] for r in violating]
    with duckdb.connect(str(nightly_replay.warehouse)) as con:
        # the loader re-delivers the calls with the corrected processing region
        con.execute(
            "insert into raw.zs_prompt_logs select * replace ('westeurope' as processing_region, ? as _loaded_at) "
            "from raw.zs_prompt_logs where prompt_id in (select unnest(?))",
            [corrected_at, ids],
        )
    # re-run with --full-refresh: rollback_runs (so history and calendar) is kept, never rebuilt
    rerun = nightly_replay.build(EVENT_DAY, corrected_at + dt.timedelta(minutes=5), "--full-refresh")
    assert rerun.result.returncode == 0, rerun.result.output[-3000:]
    history = nightly_replay.query(f"select * from marts.rollback_history where as_of_date = date '{EVENT_DAY}'")
    assert ("residency_violation", "EU") not in {(r["rule"], r["scope"]) for r in history}
    assert {r["run_id"] for r in history} == {rerun.run_rows[0]["run_id"]}
    runs_after = nightly_replay.query(
        f"select count(*) as n from marts.rollback_runs where as_of_date = date '{EVENT_DAY}'"
    )
    assert runs_after[0]["n"] == runs_before[0]["n"] + len(rerun.run_rows)
    assert nightly_replay.query(count_all_runs)[0]["n"] == nights_before + 1
    # what the operator was told before stays in rollback_runs
    told = nightly_replay.query(
        "select * from marts.rollback_runs where rule = 'residency_violation' and scope = 'EU' and fails_build"
    )
    assert [r["as_of_date"] for r in told].count(EVENT_DAY) == 1


def test_no_evidence_is_never_a_pass(nightly_replay: Replay):
    """After the last load, and on empty tables: data_completeness fails the gate, nothing is GO,
    and the failing gate skips no model. Runs last: it changes the warehouse."""
    after_last_load = NIGHTS[-1] + dt.timedelta(days=4)
    late = nightly_replay.build(after_last_load, morning(after_last_load))
    assert late.result.returncode == 1
    assert not late.result.failing("skipped")
    # four nights without a load are also four nights without the loader's purge: the prompt text of
    # the oldest calls is now past the playbook's 30-day retention (issue 11's rule), a real breach
    assert late.result.failing("fail") == [
        "test.copilot_governance.assert_no_data_completeness",
        "test.copilot_governance.assert_no_prompt_text_past_retention",
    ]
    fired = {r["scope"] for r in late.run_rows if r["rule"] == "data_completeness" and r["status"] == "fired"}
    assert fired == {"zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence"}
    assert (
        "load_not_past_day" in late.result.output and "data_completeness fired for zs_prompt_logs" in late.result.output
    )
    decisions = nightly_replay.query("select decision, is_as_of_window_loaded from marts.pilot_go_no_go")
    assert decisions and all(d["decision"] != "GO" and not d["is_as_of_window_loaded"] for d in decisions)
    assert all(r["status"] in ("fired", "incomplete_data") for r in late.run_rows if r["rule"] != "data_completeness")

    with duckdb.connect(str(nightly_replay.warehouse)) as con:
        for table in ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence"):
            con.execute(f"delete from raw.{table}")
    # emptied raw tables are not a load the append-only contract allows: an incremental night keeps
    # what it built, so the empty load is judged by a rebuild from raw
    empty = nightly_replay.build(NIGHTS[-1], morning(NIGHTS[-1]), "--full-refresh")
    assert empty.result.returncode == 1
    assert not empty.result.failing("skipped")
    statuses = {(r["rule"], r["status"]) for r in empty.run_rows}
    assert ("data_completeness", "fired") in statuses
    assert all(status in ("fired", "incomplete_data") for _, status in statuses), statuses
    decisions = nightly_replay.query("select decision from marts.pilot_go_no_go")
    assert all(d["decision"] == "INCOMPLETE" for d in decisions)
