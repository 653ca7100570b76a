"""End to end: the anomaly views over every day of a generated pilot with every governance event
planted, compared row by row with the signals computed independently in Python from the raw tables
and the configuration seeds; each event shows on the right days and scopes."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pytest

from pytests.e2e.governance_scenario import (
    EVENT_DAY,
    AllEvents,
    Raw,
    residency_policy,
    rule_config,
    window_days,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def raw(pilot: AllEvents) -> Raw:
    return Raw(pilot.scenario)


def status(has_sample: bool, observed: float | None, limit: float, comparison: str) -> str:
    if not has_sample or observed is None:
        return "insufficient_data"
    beyond = round(observed, 9) > limit if comparison == "greater_than" else round(observed, 9) < limit
    return "breach" if beyond else "ok"


def windowed(daily: dict[tuple, dict[dt.date, list]], length: int, offset: int = 0) -> dict[tuple, list]:
    """(eval_date, *scope) -> values of the scope's days in the window of eval_date."""
    days = {d for by_day in daily.values() for d in by_day}
    out = {}
    for scope, by_day in daily.items():
        for eval_date in days:
            values = [v for d in window_days(eval_date, length, offset) for v in by_day.get(d, [])]
            out[(eval_date, *scope)] = values
    return out


def test_the_residency_view_lists_every_violating_call(pilot: AllEvents, raw: Raw):
    policy = residency_policy()
    tickets = raw.latest["zs_ticket_outcomes"]
    expected = {}
    for prompt_id, call in raw.calls.items():
        ticket = tickets.get(call["ticket_id"])
        region = ticket["region"] if ticket else None
        if region is None:
            expected[prompt_id] = "unknown_ticket"
        elif region not in policy:
            expected[prompt_id] = "no_policy_for_region"
        elif call["processing_region"] not in policy[region]:
            expected[prompt_id] = "region_not_allowed"
    rows = pilot.query("select prompt_id, reason from marts.anomaly_residency_mismatch")
    assert {r["prompt_id"]: r["reason"] for r in rows} == expected
    reasons = {
        "residency_violation": "region_not_allowed",
        "residency_no_policy": "no_policy_for_region",
        "residency_unknown_ticket": "unknown_ticket",
    }
    events = pilot.events()
    for event, reason in reasons.items():
        keys = events[event]["keys"]
        assert keys and all(expected.get(k) == reason for k in keys), event


def test_the_escalation_view_matches_the_raw_tickets(pilot: AllEvents, raw: Raw):
    rule = rule_config()["escalation_breach"]
    daily: dict[tuple, dict[dt.date, list]] = defaultdict(lambda: defaultdict(list))
    for t in raw.tickets.values():
        if t["copilot_enabled"] and t["resolved_by"] == "agent" and t["solved_at"] and t["intent"]:
            daily[(t["intent"], t["region"])][t["solved_at"].date()].append(t["escalated"])
    expected = {}
    for key, values in windowed(daily, rule["window"]).items():
        if values:
            rate = sum(values) / len(values)
            has_sample = len(values) >= rule["min_sample"]
            expected[key] = (len(values), sum(values), status(has_sample, rate, rule["limit"], rule["comparison"]))
    rows = pilot.query("select * from marts.anomaly_escalation_breach")
    actual = {
        (r["eval_date"], r["intent"], r["region"]): (r["agent_tickets_solved"], r["escalated_tickets"], r["status"])
        for r in rows
    }
    assert actual == expected
    assert {r["escalation_limit"] for r in rows} == {0.182}
    assert_event_days(pilot, "escalation_spike", rows, ("intent", "region"), trailing_days=rule["window"] - 1)


def test_the_csat_view_matches_the_raw_tickets(pilot: AllEvents, raw: Raw):
    rule = rule_config()["csat_drop"]
    daily: dict[tuple, dict[dt.date, list]] = defaultdict(lambda: defaultdict(list))
    for t in raw.tickets.values():
        if t["solved_at"]:
            daily[(t["queue"], t["region"])][t["solved_at"].date()].append(t["satisfaction_rating"])
    expected = {}
    for key, ratings in windowed(daily, rule["window"]).items():
        if ratings:
            good, bad = ratings.count("good"), ratings.count("bad")
            pct = 100 * good / (good + bad) if good + bad else None
            has_sample = good + bad >= rule["min_sample"]
            expected[key] = (good + bad, good, status(has_sample, pct, rule["limit"], rule["comparison"]))
    rows = pilot.query("select * from marts.anomaly_csat_drop")
    actual = {
        (r["eval_date"], r["queue"], r["region"]): (r["csat_responses"], r["csat_good_responses"], r["status"])
        for r in rows
    }
    assert actual == expected
    assert_event_days(pilot, "csat_drop", rows, ("queue", "region"), trailing_days=rule["window"] - 1)


def test_the_drift_view_matches_the_raw_drafts(pilot: AllEvents, raw: Raw):
    rule = rule_config()["confidence_drift"]
    daily: dict[tuple, dict[dt.date, list]] = defaultdict(lambda: defaultdict(list))
    for d in raw.drafts.values():
        ticket = raw.tickets.get(d["ticket_id"])
        if ticket is not None:  # a draft of an unknown ticket has no region
            daily[(d["intent"], ticket["region"])][d["drafted_at"].date()].append(d["confidence_score"])
    current = windowed(daily, rule["window"])
    reference = windowed(daily, rule["reference_window"], offset=rule["window"])
    expected = {}
    for key in current:
        cur, ref = current[key], reference[key]
        if cur or ref:
            drift = abs(sum(cur) / len(cur) - sum(ref) / len(ref)) if cur and ref else None
            has_sample = min(len(cur), len(ref)) >= rule["min_sample"]
            expected[key] = (len(cur), len(ref), drift, status(has_sample, drift, rule["limit"], rule["comparison"]))
    rows = pilot.query("select * from marts.anomaly_confidence_drift")
    actual = {
        (r["eval_date"], r["intent"], r["region"]): (
            r["current_drafts"],
            r["reference_drafts"],
            r["drift"],
            r["status"],
        )
        for r in rows
    }
    assert actual.keys() == expected.keys()
    for key, (n_cur, n_ref, drift, state) in expected.items():
        a_cur, a_ref, a_drift, a_state = actual[key]
        assert (a_cur, a_ref, a_state) == (n_cur, n_ref, state), key
        assert (a_drift is None) == (drift is None) and (drift is None or math.isclose(a_drift, drift, abs_tol=1e-9))
    # The drift shows while the event is in either window (current, then reference).
    assert_event_days(pilot, "confidence_drift", rows, ("intent", "region"), trailing_days=5)


def assert_event_days(pilot: AllEvents, event_name: str, rows: list[dict], scope_columns: tuple, trailing_days: int):
    """The event's scope breaches on its as-of day, and only while the event is inside the window."""
    event = pilot.events()[event_name]
    scope = tuple(event["scope"][c] for c in scope_columns)
    first = dt.date.fromisoformat(event["first_date"])
    last = dt.date.fromisoformat(event["last_date"])
    breach_days = {
        r["eval_date"] for r in rows if tuple(r[c] for c in scope_columns) == scope and r["status"] == "breach"
    }
    assert EVENT_DAY in breach_days, (event_name, sorted(breach_days))
    assert all(first <= d <= last + dt.timedelta(days=trailing_days) for d in breach_days), sorted(breach_days)
    assert min(breach_days) <= EVENT_DAY


def test_rollback_status_reports_value_limit_and_action(pilot: AllEvents):
    rules = rule_config()
    # An audit table holds its test's rows of the last run; the fixture read the event night's.
    rows = pilot.event_audit["assert_no_csat_drop"]
    event = pilot.events()["csat_drop"]["scope"]
    assert [r["scope"] for r in rows] == [f"{event['queue']}/{event['region']}"]
    [row] = rows
    assert row["observed_value"] < row["limit_value"] == rules["csat_drop"]["limit"] == 80.0
    assert row["action"] == rules["csat_drop"]["action"]
    assert row["severity"] == "warn"


#: Days after an event's last day that its rule may still fire (the event is still in a window).
TRAILING_DAYS = {"residency_violation": 2, "csat_drop": 2, "escalation_breach": 2, "confidence_drift": 5}
EVENT_RULE = {
    "residency_violation": "residency_violation",
    "residency_no_policy": "residency_violation",
    "residency_unknown_ticket": "residency_violation",
    "confidence_drift": "confidence_drift",
    "escalation_spike": "escalation_breach",
    "csat_drop": "csat_drop",
}


def test_rules_fire_only_for_planted_events(pilot: AllEvents):
    """Over every day of the pilot, each firing belongs to a planted event's scope and window."""
    scopes = {
        "residency_violation": lambda s: s["region"] or "unknown",
        "confidence_drift": lambda s: f"{s['intent']}/{s['region']}",
        "escalation_breach": lambda s: f"{s['intent']}/{s['region']}",
        "csat_drop": lambda s: f"{s['queue']}/{s['region']}",
    }
    allowed = set()
    for event in pilot.scenario.manifest["events"]:
        rule = EVENT_RULE[event["event"]]
        first = dt.date.fromisoformat(event["first_date"])
        last = dt.date.fromisoformat(event["last_date"]) + dt.timedelta(days=TRAILING_DAYS[rule])
        for offset in range((last - first).days + 1):
            allowed.add((first + dt.timedelta(days=offset), rule, scopes[rule](event["scope"])))
    firings = pilot.query(
        "select eval_date, signal as rule, scope from intermediate.int_governance__signal_evaluations "
        "where signal_kind = 'rollback_rule' and status = 'breach' and signal <> 'data_completeness'"
    )
    assert firings
    assert {(r["eval_date"], r["rule"], r["scope"]) for r in firings} <= allowed
