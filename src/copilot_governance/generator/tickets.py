"""Ticket outcomes (zs_ticket_outcomes), vectorised over all tickets of a segment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot_governance.contract import TICKETS

from . import config as cfg
from . import reference as ref
from .context import CSAT_DROP_GOOD_SHARE, ESCALATION_SPIKE_RATE, Context
from .frame import (
    DAY,
    HOUR,
    Frame,
    allocate_sequential,
    choice,
    choice_given,
    group_key,
    lognormal_median,
)

# Auxiliary ticket columns: x_work_end (when agent work ended: the solve, or the cut-off) and
# x_has_agent (an agent worked the ticket; drafts are written for those only).


@dataclass(frozen=True)
class TicketSeeds:
    """The attributes a ticket is born with; the rest is simulated."""

    created: np.ndarray  # int64 seconds
    queue: np.ndarray
    region: np.ndarray
    intent: np.ndarray  # ref.NO_INTENT when unclassified
    copilot: np.ndarray  # bool
    #: With agent effects (config): each ticket's agent code and handle-time noise, drawn with the arm.
    agent: np.ndarray | None = None
    handle_z: np.ndarray | None = None


def agent_effects(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per agent code (every region's pool): log speed factor, copilot-arm share, log copilot effect."""
    c = ctx.config
    z = ctx.rng(14).standard_normal((3, len(ref.AGENT_IDS)))
    speed = c.agent_speed_sd * z[0] - c.agent_speed_sd**2 / 2
    share = np.clip(0.5 + c.agent_arm_share_sd * z[1], 0.02, 0.98)
    effect = c.agent_copilot_effect_sd * z[2] - c.agent_copilot_effect_sd**2 / 2
    return speed, share, effect


def _created_times(rng: np.random.Generator, days: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Creation times on the given days, following a local business-hours shape per region."""
    local_hour = choice(rng, len(days), ref.LOCAL_HOUR_WEIGHT)
    utc_hour = (local_hour - ref.REGION_UTC_OFFSET_H[region]) % 24
    return days * DAY + utc_hour * HOUR + rng.integers(0, HOUR, len(days))


def in_pilot_scope(queue: np.ndarray, region: np.ndarray) -> np.ndarray:
    return np.isin(queue, ref.PILOT_QUEUES) & np.isin(region, ref.PILOT_REGIONS)


def copilot_eligible(ctx: Context, queue: np.ndarray, region: np.ndarray, ticket_day: np.ndarray) -> np.ndarray:
    """Tickets that may get the copilot arm: the pilot scope's from the pilot start, and with an
    org-wide rollout every queue's and region's from the rollout date."""
    eligible = in_pilot_scope(queue, region) & (ticket_day >= ctx.pilot_day)
    if ctx.rollout_day is not None:
        eligible |= ticket_day >= ctx.rollout_day
    return eligible


def sample_seeds(ctx: Context, rng: np.random.Generator, days: np.ndarray) -> TicketSeeds:
    """The organisation's tickets created on the given days (day numbers)."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    noise = np.exp(0.03 * rng.standard_normal(len(days)))
    volume = ctx.config.tickets_per_day * ref.WEEKDAY_FACTOR[weekday] * noise
    per_day = np.maximum(np.rint(volume), 1).astype(np.int64)
    ticket_day = np.repeat(days, per_day)
    n = len(ticket_day)
    queue = choice(rng, n, ref.QUEUE_WEIGHTS)
    region = choice(rng, n, ref.REGION_WEIGHTS)
    intent = choice_given(rng, queue, ref.INTENT_GIVEN_QUEUE)
    intent[rng.random(n) < ref.NULL_INTENT_RATE] = ref.NO_INTENT
    copilot = copilot_eligible(ctx, queue, region, ticket_day) & (rng.random(n) < 0.5)
    created = _created_times(rng, ticket_day, region)
    if not ctx.config.has_agent_effects:
        return TicketSeeds(created, queue, region, intent, copilot)
    # Agent effects: the agent is drawn with the arm (a stream of its own: the default data is unchanged).
    erng = ctx.rng(15, int(days[0]) if len(days) else 0)
    _, share, _ = agent_effects(ctx)
    agent = region * ref.AGENT_POOL + erng.integers(0, ref.AGENT_POOL, n)
    handle_z = erng.standard_normal(n)
    eligible = copilot_eligible(ctx, queue, region, ticket_day)
    copilot = eligible & (erng.random(n) < share[agent])
    bug = ctx.config.assignment_bug_share
    if bug:
        copilot |= eligible & ~copilot & (handle_z < 0) & (erng.random(n) < bug)
    return TicketSeeds(created, queue, region, intent, copilot, agent, handle_z)


def forced_seeds(
    rng: np.random.Generator,
    n: int,
    first_day: int,
    last_day: int,
    queue: int,
    region: int | np.ndarray,
    intent: int,
    copilot: bool,
) -> TicketSeeds:
    """n tickets with fixed attributes, created over the days first_day..last_day."""
    days = rng.integers(first_day, last_day + 1, n)
    regions = np.broadcast_to(np.asarray(region, dtype=np.int64), (n,)).copy()
    return TicketSeeds(
        _created_times(rng, days, regions),
        np.full(n, queue, dtype=np.int64),
        regions,
        np.full(n, intent, dtype=np.int64),
        np.full(n, copilot, dtype=bool),
    )


def simulate_tickets(ctx: Context, rng: np.random.Generator, seeds: TicketSeeds) -> Frame:
    """Final-state ticket rows (latest delivery; `_loaded_at` is set by the delivery step).

    Rows are sorted by creation time and numbered with new ticket ids.
    """
    order = np.argsort(seeds.created, kind="stable")
    created = seeds.created[order]
    q, r, it, cop = seeds.queue[order], seeds.region[order], seeds.intent[order], seeds.copilot[order]
    n = len(created)
    cutoff = ctx.cutoff

    self_service = rng.random(n) < ref.SELF_SERVICE_RATE[q]
    pending = (rng.random(n) < ref.PENDING_RATE) & ~self_service
    dur = np.where(
        self_service,
        lognormal_median(rng, 1200.0, 0.8, n),
        lognormal_median(rng, ref.RESOLUTION_MEDIAN_H[q] * HOUR, ref.RESOLUTION_SIGMA, n),
    )
    dur = np.clip(dur, 300, 5 * DAY).astype(np.int64)
    solve = created + dur
    solved = (solve < cutoff) & ~pending
    unsolved = ~solved
    agent_solved = solved & ~self_service
    has_agent = agent_solved | (unsolved & ~self_service & (rng.random(n) < 0.85))

    channel = choice(rng, n, ref.CHANNEL_WEIGHTS)
    channel[self_service] = np.where(rng.random(int(self_service.sum())) < 0.7, ref.CH_SELF, ref.CH_WEB)

    agent_code = r * ref.AGENT_POOL + rng.integers(0, ref.AGENT_POOL, n)
    if seeds.agent is not None:
        agent_code = seeds.agent[order]

    # Handle time: lognormal with the queue's mean; copilot-enabled tickets are faster (with agent
    # effects: each agent's speed, and each agent's own copilot effect).
    mean = ref.AHT_MEAN_S[q] * np.where(cop, ref.AHT_COPILOT, 1.0)
    if ctx.config.has_agent_effects:
        speed, _, effect = agent_effects(ctx)
        mean = mean * np.exp(speed[agent_code] + np.where(cop, effect[agent_code], 0.0))
    mu = np.log(mean) - ref.AHT_SIGMA**2 / 2
    handle_z = rng.standard_normal(n) if seeds.handle_z is None else seeds.handle_z[order]
    handle = np.maximum(np.rint(np.exp(mu + ref.AHT_SIGMA * handle_z)), 30)
    partial = unsolved & has_agent
    handle = np.where(partial, np.rint(handle * rng.uniform(0.2, 0.8, n)), handle)
    handle_null = ~has_agent | (partial & (rng.random(n) < 0.3))

    replies = np.where(
        cop,
        ref.REPLIES[choice(rng, n, ref.REPLIES_P_COPILOT)],
        ref.REPLIES[choice(rng, n, ref.REPLIES_P)],
    )
    replies = np.where(agent_solved, replies, np.where(partial, replies - 1, 0))
    reopens = np.where(agent_solved, ref.REOPENS[choice(rng, n, ref.REOPENS_P)], 0)

    # Escalation of control tickets; copilot-enabled ones are set by assign_rated_outcomes.
    escalated = agent_solved & ~cop & (rng.random(n) < ref.ESCALATION_BASE[q])
    escalated |= partial & (rng.random(n) < 0.5 * ref.ESCALATION_BASE[q])

    # Satisfaction: surveys on solved tickets; answers arrive later (never after the cut-off).
    # Answered tickets get a placeholder "good" until assign_rated_outcomes rates them.
    survey = solved & (rng.random(n) < ref.SURVEY_RATE)
    response_delay = np.clip(lognormal_median(rng, 4 * HOUR, 1.0, n), 600, 2.5 * DAY).astype(np.int64)
    answered = survey & (rng.random(n) < ref.RESPONSE_RATE) & (solve + response_delay < cutoff)
    rating = np.where(answered, ref.S_GOOD, ref.S_OFFERED)

    # updated_at: the answer, else shortly after the solve; unsolved: some time after creation.
    after_solve = np.where(answered, solve + response_delay, solve + rng.integers(30, 1800, n))
    upd_solved = np.maximum(np.minimum(after_solve, cutoff - 1), solve)
    open_span = np.maximum(np.minimum(dur, cutoff - 1 - created), 0)
    upd_open = created + np.floor(rng.random(n) * open_span).astype(np.int64)
    updated = np.where(solved, upd_solved, upd_open)
    work_end = np.where(solved, solve, np.minimum(solve, cutoff - 1))

    data = {
        "ticket_id": ctx.take_ids("ticket", n),
        "created_at": created,
        "updated_at": updated,
        "solved_at": np.where(solved, solve, 0),
        "queue": q,
        "intent": np.maximum(it, 0),
        "region": r,
        "channel": channel,
        "copilot_enabled": cop,
        "resolved_by": np.where(self_service, ref.RB_SELF, ref.RB_AGENT),
        "agent_id": agent_code,
        "handle_time_seconds": handle.astype(np.int64),
        "agent_replies": replies.astype(np.int64),
        "reopens": reopens.astype(np.int64),
        "escalated": escalated,
        "satisfaction_rating": rating,
        "_loaded_at": np.zeros(n, dtype=np.int64),
        "x_work_end": work_end,
        "x_has_agent": has_agent,
    }
    null = {
        "solved_at": unsolved,
        "intent": it == ref.NO_INTENT,
        "resolved_by": unsolved,
        "agent_id": ~has_agent,
        "handle_time_seconds": handle_null,
        "satisfaction_rating": ~survey,
    }
    return Frame(TICKETS, data, null)


#: The ticket columns assign_rated_outcomes reads or changes (it runs over every ticket at once).
RATED_OUTCOME_COLUMNS = (
    "queue",
    "region",
    "copilot_enabled",
    "solved_at",
    "satisfaction_rating",
    "intent",
    "resolved_by",
    "escalated",
)


def assign_rated_outcomes(ctx: Context, rng: np.random.Generator, t: Frame) -> None:
    """Set CSAT answers (good/bad) and the escalation of copilot-enabled agent-solved tickets.

    Done once over all final tickets, spread evenly in solve order per signal scope (queue x region
    for CSAT, intent x region for escalation), so that the 3-day windows of a clean scope stay
    within one ticket of their target rates (see allocate_sequential), and planted windows breach.
    Integer columns may come in any integer type (e.g. packed, see store.py).
    """
    solved = t.valid("solved_at")
    solved_at = np.where(solved, t["solved_at"], 0)
    _rate_csat(ctx, rng, t, solved, solved_at)
    _rate_escalation(ctx, rng, t, solved, solved_at)


def _rate_csat(ctx: Context, rng: np.random.Generator, t: Frame, solved: np.ndarray, solved_at: np.ndarray) -> None:
    """Good or bad for each answered survey."""
    answered = np.flatnonzero(t.valid("satisfaction_rating") & (t["satisfaction_rating"] != ref.S_OFFERED))
    q, r, at = t["queue"][answered], t["region"][answered], solved_at[answered]
    good_p = ref.CSAT_GOOD[q] + ref.CSAT_COPILOT_UPLIFT * t["copilot_enabled"][answered]
    if ctx.planted(cfg.CSAT_DROP):
        drop = (q == ref.Q_BILLING) & (r == ref.R_NA) & solved[answered] & ctx.in_window(at // DAY)
        good_p = np.where(drop, CSAT_DROP_GOOD_SHARE, good_p)
    good = allocate_sequential(rng, group_key((q, 16), (r, 16)), at, good_p)
    t.data["satisfaction_rating"][answered] = np.where(good, ref.S_GOOD, ref.S_BAD)


def _rate_escalation(
    ctx: Context, rng: np.random.Generator, t: Frame, solved: np.ndarray, solved_at: np.ndarray
) -> None:
    """Escalated or not for each copilot-enabled agent-solved ticket."""
    rows = np.flatnonzero(t["copilot_enabled"] & solved & (t["resolved_by"] == ref.RB_AGENT))
    q, r, at = t["queue"][rows], t["region"][rows], solved_at[rows]
    intent = np.where(t.null["intent"][rows], ref.NO_INTENT, t["intent"][rows]) + 1
    esc_p = ref.ESCALATION_COPILOT[q]
    if ctx.planted(cfg.ESCALATION_SPIKE):
        spike = (intent - 1 == ref.I_BILLING_REFUND) & (r == ref.R_NA) & solved[rows] & ctx.in_window(at // DAY)
        esc_p = np.where(spike, ESCALATION_SPIKE_RATE, esc_p)
    t.data["escalated"][rows] = allocate_sequential(rng, group_key((intent, 32), (r, 16)), at, esc_p)
