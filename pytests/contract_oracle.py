"""The raw source contract (raw-sources.md v1.1) read independently of the project's macros: the
rules each raw row breaks, which rows are quarantined on their own, the latest delivery of each
key. The end-to-end tests compare the warehouse with this reading."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb

#: The reference time the contract's future-_loaded_at rule is read against when a test sets none.
DEFAULT_REFERENCE_TIME = dt.datetime.now(dt.UTC).replace(tzinfo=None)

KEYS = {"zs_ticket_outcomes": "ticket_id", "zs_prompt_logs": "prompt_id", "zs_draft_confidence": "draft_id"}
STAGING = {
    "zs_ticket_outcomes": "staging.stg_copilot__ticket_outcomes",
    "zs_prompt_logs": "staging.stg_copilot__prompt_logs",
    "zs_draft_confidence": "staging.stg_copilot__draft_confidence",
}
# The raw source contract, written out independently of the project's macro.
NOT_NULL = {
    "zs_ticket_outcomes": [
        "ticket_id",
        "created_at",
        "updated_at",
        "queue",
        "region",
        "channel",
        "copilot_enabled",
        "escalated",
        "_loaded_at",
    ],
    "zs_prompt_logs": [
        "prompt_id",
        "ticket_id",
        "logged_at",
        "processing_region",
        "model",
        "prompt_template_version",
        "input_tokens",
        "output_tokens",
        "latency_ms",
        "status",
        "pii_detected",
        "pii_redacted",
        "jailbreak_flag",
        "_loaded_at",
    ],
    "zs_draft_confidence": [
        "draft_id",
        "ticket_id",
        "prompt_id",
        "intent",
        "confidence_score",
        "drafted_at",
        "suggestion_mode",
        "_loaded_at",
    ],
}
NON_NEGATIVE = {
    "zs_ticket_outcomes": ["handle_time_seconds", "agent_replies", "reopens"],
    "zs_prompt_logs": ["input_tokens", "output_tokens", "latency_ms"],
    "zs_draft_confidence": [],
}
UNIT_INTERVAL = {"zs_draft_confidence": ["confidence_score", "edit_distance_ratio"]}
TIMESTAMPS = {
    "zs_ticket_outcomes": ["created_at", "updated_at", "solved_at"],
    "zs_prompt_logs": ["logged_at"],
    "zs_draft_confidence": ["drafted_at", "sent_at"],
}
ENUMS = {
    "zs_ticket_outcomes": {"resolved_by": {"agent", "self_service"}, "satisfaction_rating": {"good", "bad", "offered"}},
    "zs_prompt_logs": {"status": {"ok", "error", "timeout", "filtered"}},
    "zs_draft_confidence": {
        "suggestion_mode": {"auto_suggest", "human_review", "suppressed"},
        "agent_action": {"accepted", "edited", "rejected"},
    },
}
# v1.1: keys and key references that must be neither blank nor untrimmed, and the plausibility
# limits' defaults (raw-sources.md), written out independently of the seed.
KEY_REFERENCES = {
    "zs_ticket_outcomes": ["ticket_id"],
    "zs_prompt_logs": ["prompt_id", "ticket_id", "draft_id"],
    "zs_draft_confidence": ["draft_id", "ticket_id", "prompt_id"],
}
PLAUSIBLE_MAX = {
    "zs_ticket_outcomes": {"handle_time_seconds": 604800, "agent_replies": 1000, "reopens": 1000},
    "zs_prompt_logs": {"input_tokens": 1_000_000, "output_tokens": 1_000_000, "latency_ms": 900_000},
    "zs_draft_confidence": {},
}
EARLIEST = dt.datetime(2000, 1, 1)
WHITESPACE = " \t\r\n"
KNOWN = {
    "queue": {"billing", "shipping-updates", "returns", "account-access", "technical", "faq"},
    "region": {"NA", "EU", "UK", "APAC", "JP", "ANZ", "LATAM", "MEA"},
    "model": {"gpt-4o", "gpt-4o-mini"},
    "processing_region": {
        "us-east",
        "westeurope",
        "uksouth",
        "southeastasia",
        "japaneast",
        "australiaeast",
        "brazilsouth",
        "uaenorth",
    },
}


def on_its_own(table: str, row: dict, reference_time: dt.datetime) -> bool:
    """v1.1: a null, blank or untrimmed key, or a null or implausible _loaded_at."""
    key, loaded = row[KEYS[table]], row["_loaded_at"]
    if key is None or key.strip(WHITESPACE) == "" or key != key.strip(WHITESPACE):
        return True
    return loaded is None or loaded < EARLIEST or loaded > reference_time + dt.timedelta(hours=24)


def broken_rules(table: str, row: dict, reference_time: dt.datetime) -> list[str]:
    rules = [f"null_{c.lstrip('_')}" for c in NOT_NULL[table] if row[c] is None]
    for c in KEY_REFERENCES[table]:
        if row[c] is not None and row[c].strip(WHITESPACE) == "":
            rules.append(f"blank_{c}")
        elif row[c] is not None and row[c] != row[c].strip(WHITESPACE):
            rules.append(f"untrimmed_{c}")
    rules += [f"negative_{c}" for c in NON_NEGATIVE[table] if row[c] is not None and row[c] < 0]
    rules += [f"implausible_{c}" for c, top in PLAUSIBLE_MAX[table].items() if row[c] is not None and row[c] > top]
    rules += [f"{c}_out_of_range" for c in UNIT_INTERVAL.get(table, []) if row[c] is not None and not 0 <= row[c] <= 1]
    rules += [f"implausible_{c}" for c in TIMESTAMPS[table] if row[c] is not None and row[c] < EARLIEST]
    loaded = row["_loaded_at"]
    if loaded is not None and (loaded < EARLIEST or loaded > reference_time + dt.timedelta(hours=24)):
        rules.append("implausible_loaded_at")
    if loaded is not None:
        limit = loaded + dt.timedelta(days=1)
        rules += [f"future_{c}" for c in TIMESTAMPS[table] if row[c] is not None and row[c] > limit]
    if (
        table == "zs_ticket_outcomes"
        and row["solved_at"]
        and row["created_at"]
        and row["solved_at"] < row["created_at"]
    ):
        rules.append("solved_before_created")
    rules += [f"invalid_{c}" for c, allowed in ENUMS[table].items() if row[c] is not None and row[c] not in allowed]
    return sorted(rules)


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def split_rows(
    rows: list[dict], table: str, reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
) -> tuple[list[dict], list[dict]]:
    """(latest delivery per key among the rows that take part, rows quarantined on their own)."""
    key = KEYS[table]
    by_key: dict[object, list[dict]] = defaultdict(list)
    alone = []
    for row in rows:
        (alone.append(row) if on_its_own(table, row, reference_time) else by_key[row[key]].append(row))

    def order(r: dict) -> tuple:
        return (r["_loaded_at"], r.get("updated_at") or dt.datetime.min)

    return [max(group, key=order) for group in by_key.values()], alone


def participating(rows: list[dict], table: str, reference_time: dt.datetime = DEFAULT_REFERENCE_TIME) -> list[dict]:
    return [r for r in rows if not on_its_own(table, r, reference_time)]


def valid_latest_rows(rows: list[dict], table: str, reference_time: dt.datetime = DEFAULT_REFERENCE_TIME) -> list[dict]:
    """The rows staging holds: latest deliveries that break no rule."""
    return [r for r in split_rows(rows, table, reference_time)[0] if not broken_rules(table, r, reference_time)]
