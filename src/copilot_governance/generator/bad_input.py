"""Planted bad input: extra rows, each breaking exactly its intended contract rule(s).

Every row is a copy of a good final row under a new key (so no other row shares its key and no
later good delivery can win over it), then corrupted. Ticket rows are new tickets that no call
references; call and draft rows belong to existing copilot tickets (drafts point at an existing
call of their ticket), so quarantining them changes no clean metric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS, KEYS, TICKETS, column_names, null_rule, rule_codes

from . import reference as ref
from .context import Context
from .frame import DAY, Frame
from .store import Rows

ROWS_PER_RULE = 3
#: Rows breaking two rules at once.
COMBOS: dict[str, tuple[tuple[str, str], ...]] = {
    TICKETS: (
        ("null_queue", "negative_reopens"),
        ("invalid_resolved_by", "invalid_satisfaction_rating"),
        ("future_solved_at", "negative_handle_time_seconds"),
    ),
    CALLS: (
        ("null_model", "negative_latency_ms"),
        ("invalid_status", "negative_output_tokens"),
        ("future_logged_at", "null_pii_detected"),
    ),
    DRAFTS: (
        ("confidence_score_out_of_range", "invalid_agent_action"),
        ("future_sent_at", "null_intent"),
        ("null_suggestion_mode", "edit_distance_ratio_out_of_range"),
    ),
}

Mutation = Callable[[Frame, int], None]


@dataclass(frozen=True)
class BadRow:
    """A planted bad row: its table, key number (None when the key is null), _loaded_at (seconds,
    None when null) and the sorted rule codes it breaks."""

    table: str
    key: int | None
    loaded_at: int | None
    rules: list[str]


def _future(col: str, also_null: tuple[str, ...] = ()) -> Mutation:
    def mutate(f: Frame, i: int) -> None:
        f.data[col][i] = f["_loaded_at"][i] + 2 * DAY + 3600
        f.null[col][i] = False
        for other in also_null:
            f.null[other][i] = True

    return mutate


def _set(col: str, value: float) -> Mutation:
    def mutate(f: Frame, i: int) -> None:
        f.data[col][i] = value
        f.null[col][i] = False

    return mutate


def _mutations(table: str) -> dict[str, Mutation]:
    m: dict[str, Mutation] = {}
    for col in column_names(table):

        def set_null(f: Frame, i: int, col: str = col) -> None:
            f.null[col][i] = True

        m[null_rule(col)] = set_null
    if table == TICKETS:
        m["negative_handle_time_seconds"] = _set("handle_time_seconds", -240)
        m["negative_agent_replies"] = _set("agent_replies", -1)
        m["negative_reopens"] = _set("reopens", -1)

        def solved_before_created(f: Frame, i: int) -> None:
            f.data["solved_at"][i] = f["created_at"][i] - 2 * 3600

        m["solved_before_created"] = solved_before_created
        # A ticket created in the future is still open (no solve to compare with).
        m["future_created_at"] = _future("created_at", ("solved_at", "resolved_by", "satisfaction_rating"))
        m["future_updated_at"] = _future("updated_at")
        m["future_solved_at"] = _future("solved_at")
        m["invalid_resolved_by"] = _set("resolved_by", ref.RB_INVALID)
        m["invalid_satisfaction_rating"] = _set("satisfaction_rating", ref.S_INVALID)
    elif table == CALLS:
        m["negative_input_tokens"] = _set("input_tokens", -12)
        m["negative_output_tokens"] = _set("output_tokens", -3)
        m["negative_latency_ms"] = _set("latency_ms", -250)
        m["future_logged_at"] = _future("logged_at")
        m["invalid_status"] = _set("status", ref.ST_INVALID)
    else:
        m["confidence_score_out_of_range"] = _set("confidence_score", 1.37)
        m["edit_distance_ratio_out_of_range"] = _set("edit_distance_ratio", 1.6)
        # A draft written in the future has not been acted on.
        m["future_drafted_at"] = _future("drafted_at", ("agent_action", "edit_distance_ratio", "sent_at"))
        m["future_sent_at"] = _future("sent_at")
        m["invalid_suggestion_mode"] = _set("suggestion_mode", ref.M_INVALID)
        m["invalid_agent_action"] = _set("agent_action", ref.A_INVALID)
    missing = set(rule_codes(table)) - set(m)
    if missing:
        raise AssertionError(f"{table}: no mutation for {sorted(missing)}")
    return m


def _templates(table: str, final: Rows, ticket_ids: np.ndarray) -> np.ndarray:
    """Rows that are safe to copy: a copy breaks no rule until it is mutated (calls and drafts:
    of a known ticket, processed where the residency policy allows)."""
    if table == TICKETS:
        ok = (
            ~final["copilot_enabled"]
            & final.valid("solved_at")
            & final.valid("satisfaction_rating")
            & (final["resolved_by"] == ref.RB_AGENT)
            & final.valid("handle_time_seconds")
            & (final["queue"] != ref.Q_WARRANTY)
            & (final["region"] != ref.R_SEA)
        )
    elif table == CALLS:
        allowed = ref.PROCESSING_FOR_REGION[final["x_region"]]
        ok = (final["status"] == ref.ST_OK) & (final["processing_region"] == allowed)
        ok &= final["x_region"] != ref.R_SEA
    else:
        ok = (final["agent_action"] == ref.A_EDITED) & final.valid("agent_action")
        ok &= final.valid("sent_at") & (final["x_region"] != ref.R_SEA)
    if table != TICKETS:
        ok &= np.isin(final["ticket_id"], ticket_ids)
    return np.flatnonzero(ok)


def plant_bad_rows(
    ctx: Context, rng: np.random.Generator, finals: dict[str, Rows]
) -> tuple[dict[str, Frame], list[BadRow]]:
    """Bad rows per table (to append to the raw rows), and what each of them breaks."""
    out: dict[str, Frame] = {}
    records: list[BadRow] = []
    kind = {TICKETS: "ticket", CALLS: "prompt", DRAFTS: "draft"}
    for table in (TICKETS, CALLS, DRAFTS):
        final = finals[table]
        plan = [(code,) for code in rule_codes(table) for _ in range(ROWS_PER_RULE)]
        plan += list(COMBOS[table])
        pool = _templates(table, final, finals[TICKETS]["ticket_id"])
        if len(pool) == 0:
            raise RuntimeError(f"{table}: no rows to copy for bad input (volume too small)")
        rows = final.take(rng.choice(pool, len(plan), replace=len(pool) < len(plan)))
        key = KEYS[table]
        rows.data[key] = ctx.take_ids(kind[table], len(plan))
        if table == CALLS:
            # A failed call that produced no draft.
            rows.data["status"][:] = ref.ST_ERROR
            rows.data["output_tokens"][:] = 0
            rows.null["draft_id"][:] = True
        # Draft rows keep their template's call and ticket: a second draft of that call.
        mutations = _mutations(table)
        for i, codes in enumerate(plan):
            for code in codes:
                mutations[code](rows, i)
            records.append(
                BadRow(
                    table,
                    None if rows.null[key][i] else int(rows[key][i]),
                    None if rows.null["_loaded_at"][i] else int(rows["_loaded_at"][i]),
                    sorted(codes),
                )
            )
        out[table] = rows
    return out, records
