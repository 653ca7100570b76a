"""Loader deliveries: `_loaded_at` per row, late rows, and re-deliveries of a key.

The frames given here hold the final state of every key (the row that must win). Re-deliveries add
earlier rows for some keys: an identical earlier batch, an earlier state of a ticket (unsolved, or
solved without its CSAT answer), the same earlier state with the SAME `_loaded_at` (the later
`updated_at` must win), or a draft before the agent acted. The winner always keeps the latest
`_loaded_at` (or ties it with an earlier `updated_at`).

Every row meets the lateness allowances of the raw source contract (v1.1): a ticket row is loaded
within 3 days of the change it carries (`updated_at`) and every ticket is first delivered within 3 days
of its creation; a call within 6 hours of `logged_at`, a draft within 6 hours of `drafted_at` (or of its
`sent_at`, when the agent acted). A ticket whose final delivery comes later than 3 days after its
creation is therefore first delivered in an earlier state (open, or solved with its survey offered:
kinds OPEN_STATE and CSAT_ANSWER), and so is a ticket whose CSAT answer arrives a day or more after
the solve (delivered at the solve, re-delivered with the answer). No event happens at or after the
cut-off, so the nightly load cap never puts a row before its event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS, LATENESS_ALLOWANCE_HOURS, TICKETS

from . import reference as ref
from .context import Context
from .frame import DAY, HOUR, Frame, lognormal_median
from .store import Rows

REDELIVERY_RATE = 0.03
LATE_RATE = 0.02
IDENTICAL, UPDATE, TIE, AGENT_ACTION = "identical", "update", "same_loaded_at_tie", "agent_action"
#: Required earlier ticket deliveries: first delivered open (the final one comes more than 3 days after
#: creation), or at the solve with the survey offered (the CSAT answer comes later).
OPEN_STATE, CSAT_ANSWER = "open_state", "csat_answer"
KINDS = (IDENTICAL, UPDATE, TIE, AGENT_ACTION, OPEN_STATE, CSAT_ANSWER)
K_IDENTICAL, K_UPDATE, K_TIE, K_AGENT_ACTION, K_OPEN_STATE, K_CSAT_ANSWER = range(len(KINDS))

#: Lateness allowances (the contract's, raw-sources.md v1.1), seconds: `_loaded_at` minus the row's allowance anchor.
ALLOWANCE: dict[str, int] = {table: hours * HOUR for table, hours in LATENESS_ALLOWANCE_HOURS.items()}
TICKET_ALLOWANCE = ALLOWANCE[TICKETS]  # after updated_at; a ticket's first delivery also after created_at
#: A CSAT answer this long after the solve: the solved ticket was delivered before the answer came.
LATE_CSAT_ANSWER = DAY
#: The shortest loader lag of a ticket row (seconds).
MIN_TICKET_LAG = 120


@dataclass
class Redeliveries:
    """Which keys were re-delivered: per table, the winner rows' positions and kind codes."""

    rows: dict[str, np.ndarray]
    kinds: dict[str, np.ndarray]  # index into KINDS


#: The columns assign_loaded_at reads per table (it runs over every row of a table at once).
EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    TICKETS: ("updated_at",),
    CALLS: ("logged_at", "latency_ms"),
    DRAFTS: ("drafted_at", "sent_at"),
}


def event_time(frame: Frame) -> np.ndarray:
    """The time a row's content was last changed (a delivery cannot precede it)."""
    if frame.table == TICKETS:
        return frame["updated_at"]
    if frame.table == CALLS:
        return frame["logged_at"] + np.ceil(frame["latency_ms"] / 1000).astype(np.int64)
    return np.where(frame.valid("sent_at"), np.maximum(frame["drafted_at"], frame["sent_at"]), frame["drafted_at"])


def load_deadline(frame: Frame) -> np.ndarray:
    """The latest `_loaded_at` a row's lateness allowance permits (per row)."""
    if frame.table == TICKETS:
        return frame["updated_at"] + TICKET_ALLOWANCE
    if frame.table == CALLS:
        return frame["logged_at"] + ALLOWANCE[CALLS]  # after logged_at
    return event_time(frame) + ALLOWANCE[DRAFTS]  # after drafted_at, or sent_at when sent


def _ticket_lag(rng: np.random.Generator, n: int) -> np.ndarray:
    """The ordinary (not late) loader lag of ticket rows, seconds."""
    return np.clip(lognormal_median(rng, 25 * 60.0, 1.0, n), MIN_TICKET_LAG, 8 * HOUR).astype(np.int64)


def assign_loaded_at(ctx: Context, rng: np.random.Generator, frame: Frame, late: bool) -> int:
    """Set `_loaded_at` = event time + a loader lag (some rows late), within the row's lateness
    allowance and capped at the nightly load.

    Late rows lag 12-72 h (tickets) or 1-6 h (calls, drafts). Every event precedes the cut-off, so
    the cap (cut-off + 6 h) keeps every row at or after its event. Returns the number of late rows.
    """
    n = len(frame)
    event = event_time(frame)
    if frame.table == TICKETS:
        lag = _ticket_lag(rng, n)
        late_lag = rng.uniform(12 * HOUR, TICKET_ALLOWANCE, n)
    else:
        lag = np.clip(lognormal_median(rng, 15 * 60.0, 1.0, n), 60, 4 * HOUR)
        late_lag = rng.uniform(1 * HOUR, ALLOWANCE[frame.table], n)
    is_late = (rng.random(n) < LATE_RATE) if late else np.zeros(n, dtype=bool)
    lag = np.where(is_late, late_lag, lag).astype(np.int64)
    loaded = np.minimum(np.minimum(event + lag, load_deadline(frame)), ctx.load_cap)
    frame.data["_loaded_at"] = loaded.astype(np.int64)
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


def _earlier_ticket_state(
    rng: np.random.Generator,
    winners: Frame,
    open_until: np.ndarray | None = None,
    force_open: np.ndarray | None = None,
) -> Frame:
    """The state a ticket was delivered in before its final one (updated_at strictly earlier).

    An answered ticket (good or bad) is the same ticket solved with its survey offered, updated at
    the solve, unless `force_open`; any other is still open, updated some time after its creation
    and before its solve (or its final update when unsolved) and before `open_until` when given.
    """
    early = winners.copy()
    answered = np.isin(early["satisfaction_rating"], (ref.S_GOOD, ref.S_BAD)) & early.valid("satisfaction_rating")
    if force_open is not None:
        answered &= ~force_open
    # Answered: the same ticket, survey offered, before the answer arrived.
    early.data["satisfaction_rating"][answered] = ref.S_OFFERED
    # Otherwise: still open.
    o = ~answered
    until = np.where(early.valid("solved_at"), early["solved_at"], early["updated_at"])
    if open_until is not None:
        until = np.minimum(until, open_until)
    span = np.maximum(until - early["created_at"], 0)
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


def _required_ticket_states(t: Rows) -> tuple[np.ndarray, np.ndarray]:
    """The tickets that must be delivered in an earlier state, and which state (kind code).

    Tickets whose final delivery comes more than TICKET_ALLOWANCE after their creation are first
    delivered earlier: solved with the survey offered when the solve can be delivered in time and
    they were answered, else open. Answered tickets whose answer comes LATE_CSAT_ANSWER or more
    after the solve are delivered at the solve too. Returns (positions, kind codes).
    """
    first_deadline = t["created_at"] + TICKET_ALLOWANCE
    overdue = t["_loaded_at"] > first_deadline
    solved = t.valid("solved_at")
    answered = solved & t.valid("satisfaction_rating") & np.isin(t["satisfaction_rating"], (ref.S_GOOD, ref.S_BAD))
    solved_at = np.where(solved, t["solved_at"], 0)
    solve_in_time = answered & (solved_at + MIN_TICKET_LAG <= first_deadline)
    late_answer = answered & (t["updated_at"] - solved_at >= LATE_CSAT_ANSWER)
    offered = solve_in_time & (overdue | late_answer)
    kind = np.where(offered, K_CSAT_ANSWER, np.where(overdue, K_OPEN_STATE, -1))
    rows = np.flatnonzero(kind >= 0)
    return rows, kind[rows]


def _required_ticket_deliveries(rng: np.random.Generator, t: Rows, rows: np.ndarray, kind: np.ndarray) -> Frame:
    """The earlier deliveries of the tickets at `rows` (kinds from _required_ticket_states).

    Each is loaded an ordinary lag after its own update, within TICKET_ALLOWANCE of the ticket's
    creation, and before the change that supersedes it (an open ticket's solve, or an unsolved
    ticket's last update; the CSAT answer), hence before the final delivery.
    """
    w = t.take(rows)
    offered = kind == K_CSAT_ANSWER
    next_change = np.where(offered | w.null["solved_at"], w["updated_at"], w["solved_at"])
    until = np.minimum(next_change, w["created_at"] + TICKET_ALLOWANCE)
    early = _earlier_ticket_state(rng, w, open_until=until - MIN_TICKET_LAG, force_open=~offered)
    loaded = np.minimum(early["updated_at"] + _ticket_lag(rng, len(w)), until - 1)
    early.data["_loaded_at"] = loaded.astype(np.int64)
    return early


def redeliver(ctx: Context, rng: np.random.Generator, frames: dict[str, Rows]) -> tuple[dict[str, Frame], Redeliveries]:
    """Earlier deliveries for ~3% of the keys of each table, and the earlier ticket deliveries the
    allowances require; returns those rows per table (the raw rows are the final rows, then
    these) and what was re-delivered."""
    out: dict[str, Frame] = {}
    rows: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}

    # Tickets: some must be delivered in an earlier state (allowances); the others, when solved, may
    # be re-sent after an update (or tie on _loaded_at); any ticket may be re-sent identical.
    t = frames[TICKETS]
    req_rows, req_kind = _required_ticket_states(t)
    free = np.ones(len(t), dtype=bool)
    free[req_rows] = False
    solved = t.valid("solved_at") & free
    every = np.ones(len(t), dtype=bool)
    pick, kind = _pick(
        rng, {K_UPDATE: solved, K_TIE: solved, K_IDENTICAL: every}, {K_UPDATE: 0.45, K_TIE: 0.2, K_IDENTICAL: 1.0}
    )
    w = t.take(pick)
    early = _earlier_ticket_state(rng, w)
    stale = w.copy()
    gap = w["_loaded_at"] - w["updated_at"]
    stale.data["_loaded_at"] = w["updated_at"] + np.floor(rng.uniform(0.1, 0.9, len(w)) * gap)
    gap_early = w["_loaded_at"] - early["updated_at"]
    early_loaded = early["updated_at"] + np.floor(rng.uniform(0.0, 0.9, len(w)) * gap_early)
    early.data["_loaded_at"] = np.where(kind == K_TIE, w["_loaded_at"], early_loaded).astype(np.int64)
    required = _required_ticket_deliveries(rng, t, req_rows, req_kind)
    loser = Frame.concat([stale.take(kind == K_IDENTICAL), early.take(kind != K_IDENTICAL), required])
    order = np.r_[np.flatnonzero(kind == K_IDENTICAL), np.flatnonzero(kind != K_IDENTICAL)]
    out[TICKETS] = loser
    rows[TICKETS], kinds[TICKETS] = np.r_[pick[order], req_rows], np.r_[kind[order], req_kind]

    # Calls: identical re-sent batches.
    c = frames[CALLS]
    pick, _ = _pick(rng, {0: np.ones(len(c), dtype=bool)}, {0: 1.0})
    stale = c.take(pick)
    ev = event_time(stale)
    stale.data["_loaded_at"] = ev + np.floor(rng.uniform(0.1, 0.9, len(pick)) * (stale["_loaded_at"] - ev))
    out[CALLS] = stale
    rows[CALLS], kinds[CALLS] = pick, np.zeros(len(pick), dtype=np.int64)

    # Drafts: decided ones re-sent as the agent acts (first delivery undecided); others identical.
    d = frames[DRAFTS]
    decided = d.valid("agent_action")
    pick, kind = _pick(
        rng,
        {K_AGENT_ACTION: decided, K_IDENTICAL: np.ones(len(d), dtype=bool)},
        {K_AGENT_ACTION: 0.6, K_IDENTICAL: 1.0},
    )
    stale = d.take(pick)
    ev = event_time(stale)
    cut = np.where(stale.valid("sent_at"), stale["sent_at"], stale["_loaded_at"])
    acting = kind == K_AGENT_ACTION
    base = np.where(acting, stale["drafted_at"], ev)
    end = np.where(acting, cut, stale["_loaded_at"])
    stale.data["_loaded_at"] = base + np.floor(rng.uniform(0.1, 0.9, len(pick)) * (end - base))
    for col in ("agent_action", "edit_distance_ratio", "sent_at"):
        stale.null[col] |= acting
    out[DRAFTS] = stale
    rows[DRAFTS], kinds[DRAFTS] = pick, kind
    for f in out.values():
        f.data["_loaded_at"] = f["_loaded_at"].astype(np.int64)
    return out, Redeliveries(rows, kinds)
