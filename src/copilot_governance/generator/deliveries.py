"""Loader deliveries: `_loaded_at` per row, late rows, and re-deliveries of a key.

The frames given here hold the final state of every key (the row that must win). Re-deliveries add
earlier rows for some keys: an identical earlier batch, an earlier state of a ticket (unsolved, or
solved without its CSAT answer), the same earlier state with the SAME `_loaded_at` (the later
`updated_at` must win), or a draft before the agent acted. The winner always keeps the latest
`_loaded_at` (or ties it with an earlier `updated_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS, TICKETS

from . import reference as ref
from .context import Context
from .frame import HOUR, Frame, lognormal_median

REDELIVERY_RATE = 0.03
LATE_RATE = 0.02
IDENTICAL, UPDATE, TIE, AGENT_ACTION = "identical", "update", "same_loaded_at_tie", "agent_action"
KINDS = (IDENTICAL, UPDATE, TIE, AGENT_ACTION)


@dataclass
class Redeliveries:
    """Which keys were re-delivered: per table, the winner rows' positions and kind codes."""

    rows: dict[str, np.ndarray]
    kinds: dict[str, np.ndarray]  # index into KINDS


def event_time(frame: Frame) -> np.ndarray:
    """The time a row's content was last changed (a delivery cannot precede it)."""
    if frame.table == TICKETS:
        return frame["updated_at"]
    if frame.table == CALLS:
        return frame["logged_at"] + np.ceil(frame["latency_ms"] / 1000).astype(np.int64)
    return np.where(frame.valid("sent_at"), np.maximum(frame["drafted_at"], frame["sent_at"]), frame["drafted_at"])


def assign_loaded_at(ctx: Context, rng: np.random.Generator, frame: Frame, late: bool) -> int:
    """Set `_loaded_at` = event time + a loader lag (some rows late), capped at the nightly load.

    Returns the number of late rows.
    """
    n = len(frame)
    event = event_time(frame)
    if frame.table == TICKETS:
        lag = np.clip(lognormal_median(rng, 25 * 60.0, 1.0, n), 120, 8 * HOUR)
        late_lag = rng.uniform(12 * HOUR, 72 * HOUR, n)
    else:
        lag = np.clip(lognormal_median(rng, 15 * 60.0, 1.0, n), 60, 4 * HOUR)
        late_lag = rng.uniform(2 * HOUR, 12 * HOUR, n)
    is_late = (rng.random(n) < LATE_RATE) if late else np.zeros(n, dtype=bool)
    lag = np.where(is_late, late_lag, lag).astype(np.int64)
    frame.data["_loaded_at"] = np.minimum(event + lag, ctx.load_cap)
    return int(is_late.sum())


MIN_PER_KIND = 3


def _pick(
    rng: np.random.Generator, eligible: dict[int, np.ndarray], shares: dict[int, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows to re-deliver and their kind: ~REDELIVERY_RATE of the rows, each kind with its share
    of the rows eligible for it, and at least MIN_PER_KIND rows of each kind when possible."""
    n = len(next(iter(eligible.values())))
    kind = np.full(n, -1)
    u = rng.random(n)
    chosen = rng.random(n) < REDELIVERY_RATE
    low = 0.0
    for k, share in shares.items():  # the last kind takes the rest
        hit = chosen & (kind < 0) & eligible[k] & (u >= low)
        kind[hit & (u < low + share)] = k
        low += share
    for k in shares:
        missing = MIN_PER_KIND - int((kind == k).sum())
        free = np.flatnonzero(eligible[k] & (kind < 0))
        if missing > 0 and len(free):
            kind[rng.choice(free, min(missing, len(free)), replace=False)] = k
    rows = np.flatnonzero(kind >= 0)
    return rows, kind[rows]


def _earlier_ticket_state(rng: np.random.Generator, winners: Frame) -> Frame:
    """The state a ticket was delivered in before its final one (updated_at strictly earlier)."""
    early = winners.copy()
    answered = np.isin(early["satisfaction_rating"], (ref.S_GOOD, ref.S_BAD)) & early.valid("satisfaction_rating")
    # Answered: the same ticket, survey offered, before the answer arrived.
    early.data["satisfaction_rating"][answered] = ref.S_OFFERED
    # Otherwise: still open.
    o = ~answered
    span = early["solved_at"] - early["created_at"]
    early.data["updated_at"] = np.where(
        answered,
        early["solved_at"],
        early["created_at"] + np.floor(rng.uniform(0.2, 0.8, len(early)) * span).astype(np.int64),
    )
    for col in ("solved_at", "resolved_by", "satisfaction_rating"):
        early.null[col] |= o
    early.data["reopens"][o] = 0
    early.data["agent_replies"][o] = np.maximum(early["agent_replies"][o] - 1, 0)
    early.data["handle_time_seconds"][o] = np.rint(early["handle_time_seconds"][o] * 0.6)
    return early


def redeliver(
    ctx: Context, rng: np.random.Generator, frames: dict[str, Frame]
) -> tuple[dict[str, Frame], Redeliveries]:
    """Add earlier deliveries for ~3% of the keys of each table; returns the raw frames."""
    out: dict[str, Frame] = {}
    rows: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}

    # Tickets: solved ones are re-sent after an update (or tie on _loaded_at); others identical.
    t = frames[TICKETS]
    solved = t.valid("solved_at")
    every = np.ones(len(t), dtype=bool)
    pick, kind = _pick(rng, {1: solved, 2: solved, 0: every}, {1: 0.45, 2: 0.2, 0: 1.0})
    w = t.take(pick)
    early = _earlier_ticket_state(rng, w)
    stale = w.copy()
    gap = w["_loaded_at"] - w["updated_at"]
    stale.data["_loaded_at"] = w["updated_at"] + np.floor(rng.uniform(0.1, 0.9, len(w)) * gap)
    gap_early = w["_loaded_at"] - early["updated_at"]
    early_loaded = early["updated_at"] + np.floor(rng.uniform(0.0, 0.9, len(w)) * gap_early)
    early.data["_loaded_at"] = np.where(kind == 2, w["_loaded_at"], early_loaded).astype(np.int64)
    loser = Frame.concat([stale.take(kind == 0), early.take(kind != 0)])
    order = np.r_[np.flatnonzero(kind == 0), np.flatnonzero(kind != 0)]
    out[TICKETS] = Frame.concat([t, loser])
    rows[TICKETS], kinds[TICKETS] = pick[order], kind[order]

    # Calls: identical re-sent batches.
    c = frames[CALLS]
    pick, _ = _pick(rng, {0: np.ones(len(c), dtype=bool)}, {0: 1.0})
    stale = c.take(pick)
    ev = event_time(stale)
    stale.data["_loaded_at"] = ev + np.floor(rng.uniform(0.1, 0.9, len(pick)) * (stale["_loaded_at"] - ev))
    out[CALLS] = Frame.concat([c, stale])
    rows[CALLS], kinds[CALLS] = pick, np.zeros(len(pick), dtype=np.int64)

    # Drafts: decided ones re-sent as the agent acts (first delivery undecided); others identical.
    d = frames[DRAFTS]
    decided = d.valid("agent_action")
    pick, kind = _pick(rng, {3: decided, 0: np.ones(len(d), dtype=bool)}, {3: 0.6, 0: 1.0})
    stale = d.take(pick)
    ev = event_time(stale)
    cut = np.where(stale.valid("sent_at"), stale["sent_at"], stale["_loaded_at"])
    acting = kind == 3
    base = np.where(acting, stale["drafted_at"], ev)
    end = np.where(acting, cut, stale["_loaded_at"])
    stale.data["_loaded_at"] = base + np.floor(rng.uniform(0.1, 0.9, len(pick)) * (end - base))
    for col in ("agent_action", "edit_distance_ratio", "sent_at"):
        stale.null[col] |= acting
    out[DRAFTS] = Frame.concat([d, stale])
    rows[DRAFTS], kinds[DRAFTS] = pick, kind
    for f in out.values():
        f.data["_loaded_at"] = f["_loaded_at"].astype(np.int64)
    return out, Redeliveries(rows, kinds)
