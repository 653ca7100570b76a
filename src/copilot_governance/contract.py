"""The raw source contract (shared/contract/raw-sources.md, v1) as data.

One place that names the three raw tables, their columns in order, their DuckDB types, which columns
may be null, and the value rules (enums, ranges) that make a row bad input. The generator writes
exactly these columns; the validation module checks a loaded table against them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
