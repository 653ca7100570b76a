"""The tests' independent reference computation (one module): the raw tables read back in plain
Python (latest delivery per key, bad input left out), every metric of shared/contract/metrics.md
written out again, and the comparison of a mart with the reference. Shared by the end-to-end tests
that check marts against the raw tables; it imports nothing of the project's package."""

from __future__ import annotations

import csv
import datetime as dt
import math
import statistics
from pathlib import Path

import duckdb

from pytests.contract_oracle import fetch, valid_latest_rows

#: metrics.md: the minor-edit limit of an accepted draft (project var minor_edit_max, default).
MINOR_EDIT_MAX = 0.20
#: The 95% normal quantile the project's intervals use.
Z = 1.96
TOL = 1e-9


# --- independent reading of the raw tables -------------------------------------------------------


def read_seed(path: Path) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(f))


def clean(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    rows = fetch(con, f"select * from raw.{table}")
    return valid_latest_rows(rows, table)


def load_raw(db_path: Path) -> dict:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tickets = {r["ticket_id"]: r for r in clean(con, "zs_ticket_outcomes")}
        drafts = clean(con, "zs_draft_confidence")
        calls = clean(con, "zs_prompt_logs")
    finally:
        con.close()
    for t in tickets.values():
        t["solved_date"] = t["solved_at"].date() if t["solved_at"] else None
        t["drafts"] = []
        t["calls"] = []
    for d in drafts:
        d["accepted"] = d["agent_action"] == "accepted" or (
            d["agent_action"] == "edited"
            and d["edit_distance_ratio"] is not None
            and d["edit_distance_ratio"] <= MINOR_EDIT_MAX
        )
        d["decided"] = d["suggestion_mode"] in ("auto_suggest", "human_review") and d["agent_action"] in (
            "accepted",
            "edited",
            "rejected",
        )
        if d["ticket_id"] in tickets:
            tickets[d["ticket_id"]]["drafts"].append(d)
    for c in calls:
        if c["ticket_id"] in tickets:
            tickets[c["ticket_id"]]["calls"].append(c)
    return {"tickets": tickets, "drafts": drafts, "calls": calls}


# --- metric definitions (shared/contract/metrics.md), written out again ---------------------------


def wilson(successes: float, n: int, scale: float = 1.0) -> tuple[float | None, float | None]:
    if not n:
        return None, None
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return scale * max(0.0, centre - half), scale * min(1.0, centre + half)


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def ticket_sample(tickets: list[dict]) -> dict:
    """Counts of a set of solved tickets (the numerators and denominators of every ticket metric)."""
    agent = [t for t in tickets if t["resolved_by"] == "agent"]
    aht = [t["handle_time_seconds"] for t in agent if t["handle_time_seconds"] is not None]
    rated = [t for t in tickets if t["satisfaction_rating"] in ("good", "bad")]
    eligible = [t for t in agent if t["copilot_enabled"]]
    decided = [d for t in tickets for d in t["drafts"] if d["decided"]]
    return {
        "tickets_solved": len(tickets),
        "agent_tickets_solved": len(agent),
        "aht_tickets": len(aht),
        "handle_time_seconds_total": sum(aht),
        "handle_times": aht,
        "csat_responses": len(rated),
        "csat_good_responses": sum(t["satisfaction_rating"] == "good" for t in rated),
        "fcr_tickets": sum(
            (t["agent_replies"] is not None and t["agent_replies"] <= 1) and t["reopens"] == 0 for t in agent
        ),
        "escalated_tickets": sum(bool(t["escalated"]) for t in agent),
        "deflected_tickets": sum(t["resolved_by"] == "self_service" for t in tickets),
        "reopened_tickets": sum((t["reopens"] or 0) > 0 for t in agent),
        "drafts_decided": len(decided),
        "drafts_accepted": sum(d["accepted"] for d in decided),
        "covered_tickets": sum(bool(t["drafts"]) for t in eligible),
        "coverage_eligible_tickets": len(eligible),
    }


RATES = {
    # metric: (numerator, denominator, scale)
    "csat_pct": ("csat_good_responses", "csat_responses", 100.0),
    "fcr_rate": ("fcr_tickets", "agent_tickets_solved", 1.0),
    "escalation_rate": ("escalated_tickets", "agent_tickets_solved", 1.0),
    "deflection_rate": ("deflected_tickets", "tickets_solved", 1.0),
    "reopen_rate": ("reopened_tickets", "agent_tickets_solved", 1.0),
    "draft_acceptance_rate": ("drafts_accepted", "drafts_decided", 1.0),
    "coverage_rate": ("covered_tickets", "coverage_eligible_tickets", 1.0),
}


def metric_value(s: dict, metric: str) -> float | None:
    if metric == "aht_seconds":
        return ratio(s["handle_time_seconds_total"], s["aht_tickets"])
    num, den, scale = RATES[metric]
    value = ratio(s[num], s[den])
    return None if value is None else scale * value


def metric_num_den(s: dict, metric: str) -> tuple[float, int]:
    if metric == "aht_seconds":
        return s["handle_time_seconds_total"], s["aht_tickets"]
    num, den, _ = RATES[metric]
    return s[num], s[den]


def sql_numerator(s: dict, metric: str) -> float | None:
    """The numerator as the mart publishes it: null when the period has no ticket (no row to
    aggregate) and, for AHT, when no ticket has a handle time (a sum over nothing)."""
    num, den = metric_num_den(s, metric)
    if s["tickets_solved"] == 0 or (metric == "aht_seconds" and den == 0):
        return None
    return float(num)


def metric_interval(s: dict, metric: str) -> tuple[float | None, float | None]:
    if metric == "aht_seconds":
        n = s["aht_tickets"]
        if n < 2:
            return None, None
        mean, sd = s["handle_time_seconds_total"] / n, statistics.stdev(s["handle_times"])
        return mean - Z * sd / math.sqrt(n), mean + Z * sd / math.sqrt(n)
    num, den, scale = RATES[metric]
    return wilson(s[num], s[den], scale)


# --- comparison -----------------------------------------------------------------------------------


def same(actual: object, expected: object) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(float(actual), float(expected), rel_tol=TOL, abs_tol=TOL)
    return actual == expected


def assert_rows_match(actual: dict, expected: dict, columns: list[str]) -> None:
    assert set(actual) == set(expected), (
        f"keys only in the mart: {sorted(set(actual) - set(expected))[:5]}, "
        f"only expected: {sorted(set(expected) - set(actual))[:5]}"
    )
    mismatches = [
        (key, column, actual[key][column], expected[key][column])
        for key in expected
        for column in columns
        if not same(actual[key][column], expected[key][column])
    ]
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:5]}"


def normalise_dates(row: dict) -> dict:
    return {k: (v.date() if isinstance(v, dt.datetime) else v) for k, v in row.items()}
