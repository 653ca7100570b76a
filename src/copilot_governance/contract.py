"""The raw source contract (shared/contract/raw-sources.md, v1.1) as data.

One place that names the three raw tables, their columns in order, their DuckDB types, which columns
may be null, and the value rules (enums, ranges) that make a row bad input. The generator writes
exactly these columns; the Great Expectations suites under gx/ are generated from this module (and
from the plausibility limits seed, for the v1.1 maxima).

`rule_codes` lists the v1 rules (the generator plants one bad row per code); the v1.1 rules (blank or
untrimmed keys, implausible values) are listed by `v11_rule_codes`, with the same codes as the dbt
project's quarantine (macros/contract/raw_contract.sql).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

RAW_SCHEMA = "raw"

TICKETS = "zs_ticket_outcomes"
CALLS = "zs_prompt_logs"
DRAFTS = "zs_draft_confidence"
TABLES: tuple[str, ...] = (TICKETS, CALLS, DRAFTS)

#: The key column of each table (the latest delivery of a key wins).
KEYS: dict[str, str] = {TICKETS: "ticket_id", CALLS: "prompt_id", DRAFTS: "draft_id"}


@dataclass(frozen=True)
class Column:
    """One contract column: name, DuckDB type, nullability and value rules."""

    name: str
    duck_type: str  # VARCHAR, TIMESTAMP, BOOLEAN, INTEGER, DOUBLE
    nullable: bool
    allowed: tuple[str, ...] | None = None  # closed enum (bad input outside it)
    min_value: float | None = None
    max_value: float | None = None


def _c(
    name: str,
    duck_type: str,
    nullable: bool,
    allowed: tuple[str, ...] | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> Column:
    return Column(name, duck_type, nullable, allowed, min_value, max_value)


V, TS, B, INT, D = "VARCHAR", "TIMESTAMP", "BOOLEAN", "INTEGER", "DOUBLE"

RESOLVED_BY = ("agent", "self_service")
SATISFACTION = ("good", "bad", "offered")
CALL_STATUS = ("ok", "error", "timeout", "filtered")
SUGGESTION_MODES = ("auto_suggest", "human_review", "suppressed")
AGENT_ACTIONS = ("accepted", "edited", "rejected")

COLUMNS: dict[str, tuple[Column, ...]] = {
    TICKETS: (
        _c("ticket_id", V, False),
        _c("created_at", TS, False),
        _c("updated_at", TS, False),
        _c("solved_at", TS, True),
        _c("queue", V, False),
        _c("intent", V, True),
        _c("region", V, False),
        _c("channel", V, False),
        _c("copilot_enabled", B, False),
        _c("resolved_by", V, True, RESOLVED_BY),
        _c("agent_id", V, True),
        _c("handle_time_seconds", INT, True, min_value=0),
        _c("agent_replies", INT, True, min_value=0),
        _c("reopens", INT, True, min_value=0),
        _c("escalated", B, False),
        _c("satisfaction_rating", V, True, SATISFACTION),
        _c("_loaded_at", TS, False),
    ),
    CALLS: (
        _c("prompt_id", V, False),
        _c("ticket_id", V, False),
        _c("draft_id", V, True),
        _c("logged_at", TS, False),
        _c("processing_region", V, False),
        _c("model", V, False),
        _c("prompt_template_version", V, False),
        _c("input_tokens", INT, False, min_value=0),
        _c("output_tokens", INT, False, min_value=0),
        _c("latency_ms", INT, False, min_value=0),
        _c("status", V, False, CALL_STATUS),
        _c("pii_detected", B, False),
        _c("pii_redacted", B, False),
        _c("jailbreak_flag", B, False),
        _c("prompt_text", V, True),
        _c("_loaded_at", TS, False),
    ),
    DRAFTS: (
        _c("draft_id", V, False),
        _c("ticket_id", V, False),
        _c("prompt_id", V, False),
        _c("intent", V, False),
        _c("confidence_score", D, False, min_value=0, max_value=1),
        _c("drafted_at", TS, False),
        _c("suggestion_mode", V, False, SUGGESTION_MODES),
        _c("agent_action", V, True, AGENT_ACTIONS),
        _c("edit_distance_ratio", D, True, min_value=0, max_value=1),
        _c("sent_at", TS, True),
        _c("_loaded_at", TS, False),
    ),
}

#: Timestamps that count as bad input when more than 1 day after the row's _loaded_at.
FUTURE_CHECKED: dict[str, tuple[str, ...]] = {
    TICKETS: ("created_at", "updated_at", "solved_at"),
    CALLS: ("logged_at",),
    DRAFTS: ("drafted_at", "sent_at"),
}


def column_names(table: str) -> list[str]:
    """The contract's column names of a raw table, in order."""
    return [c.name for c in COLUMNS[table]]


def null_rule(column: str) -> str:
    """The quarantine rule code for a null in a non-null column (`_loaded_at` -> null_loaded_at)."""
    return f"null_{column.lstrip('_')}"


def rule_codes(table: str) -> list[str]:
    """Every bad-input rule code the project uses for a table (see the contract's bad-input list)."""
    cols = COLUMNS[table]
    codes = [null_rule(c.name) for c in cols if not c.nullable]
    for c in cols:
        if c.min_value is not None and c.max_value is None:
            codes.append(f"negative_{c.name}")
    for c in cols:
        if c.min_value is not None and c.max_value is not None:
            codes.append(f"{c.name}_out_of_range")
    if table == TICKETS:
        codes.append("solved_before_created")
    codes.extend(f"future_{name}" for name in FUTURE_CHECKED[table])
    codes.extend(f"invalid_{c.name}" for c in cols if c.allowed is not None)
    return codes


# --- v1.1 ----------------------------------------------------------------------------------------

#: The columns of each table that reference another table's key (v1.1: checked like keys).
REFERENCES: dict[str, tuple[str, ...]] = {
    TICKETS: (),
    CALLS: ("ticket_id", "draft_id"),
    DRAFTS: ("ticket_id", "prompt_id"),
}

#: What a key must neither be made of nor start or end with: space, tab, line feed, carriage return.
KEY_WHITESPACE: tuple[str, ...] = (" ", "\t", "\n", "\r")

#: A timestamp more than this many days after its row's `_loaded_at` is bad input.
MAX_FUTURE_DAYS_AFTER_LOAD = 1

#: The plausibility limits seed, relative to the project root.
PLAUSIBILITY_LIMITS_SEED = Path("seeds/contract/plausibility_limits.csv")
EARLIEST_TIMESTAMP_YEAR = "earliest_timestamp_year"
MAX_LOADED_AT_HOURS = "max_loaded_at_hours_after_reference"

#: Plausibility maxima: column -> the limit (a limit_name of the seed) it must not exceed.
PLAUSIBLE_MAX: dict[str, dict[str, str]] = {
    TICKETS: {
        "handle_time_seconds": "max_handle_time_seconds",
        "agent_replies": "max_agent_replies",
        "reopens": "max_reopens",
    },
    CALLS: {"input_tokens": "max_tokens", "output_tokens": "max_tokens", "latency_ms": "max_latency_ms"},
    DRAFTS: {},
}

#: Every limit name the seed must define.
PLAUSIBILITY_LIMIT_NAMES: tuple[str, ...] = (
    "max_handle_time_seconds",
    "max_tokens",
    "max_latency_ms",
    "max_agent_replies",
    "max_reopens",
    EARLIEST_TIMESTAMP_YEAR,
    MAX_LOADED_AT_HOURS,
)


class ContractError(ValueError):
    """A contract configuration file (the plausibility limits seed) that cannot be used."""


def key_columns(table: str) -> tuple[str, ...]:
    """The key of a raw table and its reference columns (v1.1: none may be blank or untrimmed)."""
    return (KEYS[table], *REFERENCES[table])


def timestamp_columns(table: str) -> tuple[str, ...]:
    """The event timestamps of a raw table (every timestamp column but `_loaded_at`)."""
    return FUTURE_CHECKED[table]


def read_plausibility_limits(path: str | Path) -> dict[str, int | float]:
    """The plausibility limits seed as {limit_name: value}.

    Raises ContractError naming the file (and line) when a limit is missing, unknown, repeated
    or not a number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"cannot read the plausibility limits {path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    missing_columns = {"limit_name", "limit_value"} - set(reader.fieldnames or ())
    if missing_columns:
        raise ContractError(f"{path}: header lacks {', '.join(sorted(missing_columns))}")
    limits: dict[str, int | float] = {}
    for line, row in enumerate(reader, start=2):
        name = (row.get("limit_name") or "").strip()
        raw = (row.get("limit_value") or "").strip()
        if name not in PLAUSIBILITY_LIMIT_NAMES:
            raise ContractError(
                f"{path}:{line}: unknown limit {name!r}; expected one of {', '.join(PLAUSIBILITY_LIMIT_NAMES)}"
            )
        if name in limits:
            raise ContractError(f"{path}:{line}: limit {name} is defined twice")
        try:
            value = float(raw)
        except ValueError:
            raise ContractError(f"{path}:{line}: limit {name} has a value that is not a number: {raw!r}") from None
        limits[name] = int(value) if value.is_integer() else value
    missing = [n for n in PLAUSIBILITY_LIMIT_NAMES if n not in limits]
    if missing:
        raise ContractError(f"{path}: missing limits {', '.join(missing)}")
    return limits


def v11_rule_codes(table: str) -> list[str]:
    """The v1.1 bad-input rule codes of a raw table (codes as in the dbt project's quarantine):
    blank_<key> / untrimmed_<key> per key and reference column, implausible_<column> per
    plausibility maximum and per event timestamp, and implausible_loaded_at."""
    codes: list[str] = []
    for column in key_columns(table):
        codes.extend((f"blank_{column}", f"untrimmed_{column}"))
    codes.extend(f"implausible_{column}" for column in PLAUSIBLE_MAX[table])
    codes.extend(f"implausible_{column}" for column in timestamp_columns(table))
    codes.append("implausible_loaded_at")
    return codes
