"""Governance events (residency, drift, CSAT drop, escalation spike) and unmapped values.

The CSAT, escalation and drift events are shaped while tickets and drafts are simulated (their
rates depend on the event window); this module makes sure each planted scope has enough sample
(adding tickets in the scope when the volume is small), rewrites calls for the residency events,
adds the unmapped values, and describes every event for the manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS, TABLES, TICKETS

from . import config as cfg
from . import reference as ref
from .context import Context, day_date
from .copilot import simulate_copilot
from .frame import DAY, Frame
from .store import Rows, TableStore
from .tickets import TicketSeeds, forced_seeds, simulate_tickets

MIN_SAMPLE = 60  # planted signal scopes: drafts / responses / tickets per window
RESIDENCY_CALLS = 8  # calls re-routed to a foreign region by residency_violation
MIN_RESIDENCY_CALLS = 5
EXTRA_RESIDENCY_TICKETS = 6  # tickets (or unknown tickets) of the other residency events


class Parts:
    """The generated segments so far, packed per raw table as they come (a TableStore each), and
    the sample counts of the planted scopes (summed over the segments)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tables: dict[str, TableStore] = {t: TableStore(t) for t in TABLES}
        self.samples: dict[str, np.ndarray] = {}
        self.n_tickets = 0

    def add(self, t: Frame | None, c: Frame, d: Frame) -> None:
        for boost in BOOSTS:
            if self.ctx.planted(boost.plant):
                counts = np.asarray(boost.count(self.ctx, t, c, d), dtype=np.int64)
                self.samples[boost.plant] = self.samples.get(boost.plant, 0) + counts
        if t is not None:
            self.tables[TICKETS].append(t)
            self.n_tickets += len(t)
        self.tables[CALLS].append(c)
        self.tables[DRAFTS].append(d)

    def sample(self, plant: str) -> int:
        """A planted scope's sample so far (the smaller of its counts)."""
        return int(np.min(self.samples.get(plant, 0)))


def run_segment(
    ctx: Context, rng: np.random.Generator, seeds: TicketSeeds, force_coverage: bool = False
) -> tuple[Frame, Frame, Frame]:
    t = simulate_tickets(ctx, rng, seeds)
    c, d = simulate_copilot(ctx, rng, t, force_coverage)
    return t, c, d


# --- sample counts of the planted scopes ------------------------------------------------------


def _solved_in_window(ctx: Context, t: Frame) -> np.ndarray:
    return t.valid("solved_at") & ctx.in_window(t["solved_at"] // DAY)


def escalation_sample(ctx: Context, t: Frame) -> int:
    """Copilot-enabled agent-solved billing_refund NA tickets solved in the window."""
    m = _solved_in_window(ctx, t) & t["copilot_enabled"] & (t["resolved_by"] == ref.RB_AGENT)
    m &= t.valid("intent") & (t["intent"] == ref.I_BILLING_REFUND) & (t["region"] == ref.R_NA)
    return int(m.sum())


def csat_sample(ctx: Context, t: Frame) -> int:
    """CSAT responses (good or bad) of billing NA tickets solved in the window."""
    answered = t.valid("satisfaction_rating") & np.isin(t["satisfaction_rating"], (ref.S_GOOD, ref.S_BAD))
    m = _solved_in_window(ctx, t) & answered
    return int((m & (t["queue"] == ref.Q_BILLING) & (t["region"] == ref.R_NA)).sum())


def drift_sample(ctx: Context, d: Frame) -> tuple[int, int]:
    """shipping_status EU drafts in the reference and the current window."""
    scope = (d["intent"] == ref.I_SHIPPING_STATUS) & (d["x_region"] == ref.R_EU)
    day = d["drafted_at"] // DAY
    (r0, r1), (c0, c1) = ctx.reference_window, ctx.window
    return int((scope & (day >= r0) & (day <= r1)).sum()), int((scope & (day >= c0) & (day <= c1)).sum())


def residency_candidates(ctx: Context, c: Frame) -> np.ndarray:
    """Calls of EU tickets logged on the event day."""
    return np.flatnonzero((c["x_region"] == ref.R_EU) & (c["logged_at"] // DAY == ctx.event_day))


#: A segment's additive sample counts for a planted scope: (tickets or None, calls, drafts) -> counts.
Counter = Callable[[Context, Frame | None, Frame, Frame], tuple[int, ...]]


@dataclass(frozen=True)
class _Boost:
    plant: str
    count: Counter  # the scope's sample is the smallest of the counts summed over the segments
    target: int
    seeds: Callable[[Context, np.random.Generator, int], TicketSeeds]
    per_ticket: float  # a cautious guess of the sample one added ticket yields


def _tickets(f: Callable[[Context, Frame], int]) -> Counter:
    return lambda ctx, t, _c, _d: (0 if t is None else f(ctx, t),)


BOOSTS = (
    _Boost(
        cfg.ESCALATION_SPIKE,
        _tickets(escalation_sample),
        MIN_SAMPLE + 15,
        lambda ctx, rng, n: forced_seeds(
            rng, n, ctx.event_day - 2, ctx.event_day, ref.Q_BILLING, ref.R_NA, ref.I_BILLING_REFUND, True
        ),
        0.5,
    ),
    _Boost(
        cfg.CSAT_DROP,
        _tickets(csat_sample),
        MIN_SAMPLE + 15,
        lambda ctx, rng, n: forced_seeds(
            rng, n, ctx.event_day - 2, ctx.event_day, ref.Q_BILLING, ref.R_NA, ref.I_BILLING_INVOICE, False
        ),
        0.15,
    ),
    _Boost(
        cfg.CONFIDENCE_DRIFT,
        lambda ctx, _t, _c, d: drift_sample(ctx, d),
        MIN_SAMPLE + 15,
        lambda ctx, rng, n: forced_seeds(
            rng, n, ctx.event_day - 5, ctx.event_day, ref.Q_SHIPPING, ref.R_EU, ref.I_SHIPPING_STATUS, True
        ),
        0.4,
    ),
    _Boost(
        cfg.RESIDENCY_VIOLATION,
        lambda ctx, _t, c, _d: (len(residency_candidates(ctx, c)),),
        RESIDENCY_CALLS + 2,
        lambda ctx, rng, n: forced_seeds(
            rng, n, ctx.event_day, ctx.event_day, ref.Q_BILLING, ref.R_EU, ref.I_BILLING_INVOICE, True
        ),
        0.5,
    ),
)
SEG_BOOST, SEG_EXTRA = 1, 2


def boost_planted_scopes(ctx: Context, parts: Parts) -> dict[str, int]:
    """Add tickets to each planted scope until its sample meets the target; returns the samples."""
    samples: dict[str, int] = {}
    for b_index, boost in enumerate(BOOSTS):
        if not ctx.planted(boost.plant):
            continue
        have = parts.sample(boost.plant)
        for attempt in range(8):
            if have >= boost.target:
                break
            n = int(np.ceil(1.5 * (boost.target - have) / boost.per_ticket)) + 5
            rng = ctx.rng(SEG_BOOST, b_index, attempt)
            parts.add(*run_segment(ctx, rng, boost.seeds(ctx, rng, n), force_coverage=True))
            have = parts.sample(boost.plant)
        if have < boost.target:
            raise RuntimeError(f"could not reach the sample for plant {boost.plant}")
        samples[boost.plant] = have
    return samples


def add_extra_segments(ctx: Context, parts: Parts) -> dict[str, np.ndarray]:
    """Unmapped queue tickets, and the tickets of residency_no_policy / residency_unknown_ticket.

    Returns the prompt ids of the calls of the residency events.
    """
    keys: dict[str, np.ndarray] = {}
    if ctx.config.unmapped:
        rng = ctx.rng(SEG_EXTRA, 0)
        n = max(5, round(ctx.config.tickets_per_day * ctx.config.n_days * 0.0005))
        regions = np.array((*ref.PILOT_REGIONS, ref.R_UK, ref.R_APAC))[rng.integers(0, 4, n)]
        seeds = forced_seeds(rng, n, ctx.start_day, ctx.end_day, ref.Q_WARRANTY, regions, ref.I_WARRANTY, False)
        parts.add(*run_segment(ctx, rng, seeds))
    lo, hi = ctx.event_day - 2, ctx.event_day - 1
    for index, plant, region in (
        (1, cfg.RESIDENCY_NO_POLICY, ref.R_SEA),
        (2, cfg.RESIDENCY_UNKNOWN_TICKET, ref.R_EU),
    ):
        if not ctx.planted(plant):
            continue
        for attempt in range(8):
            rng = ctx.rng(SEG_EXTRA, index, attempt)
            seeds = forced_seeds(
                rng, EXTRA_RESIDENCY_TICKETS, lo, hi, ref.Q_BILLING, region, ref.I_BILLING_REFUND, True
            )
            t, c, d = run_segment(ctx, rng, seeds, force_coverage=True)
            if len(c) >= 3:
                break
        # Unknown tickets: their calls and drafts are delivered, the tickets never are.
        parts.add(None if plant == cfg.RESIDENCY_UNKNOWN_TICKET else t, c, d)
        keys[plant] = c["prompt_id"]
    return keys


#: The call columns the call plants below read or change (their steps run over every call at once).
CALL_PLANT_COLUMNS = ("x_region", "logged_at", "prompt_id", "processing_region", "model", "prompt_text")


def plant_residency_violation(ctx: Context, rng: np.random.Generator, calls: Frame, exclude: np.ndarray) -> np.ndarray:
    """Route some calls of EU tickets on the event day to us-east; returns their prompt ids.

    Calls whose prompt id is in `exclude` (other events' calls) are left alone.
    """
    cand = residency_candidates(ctx, calls)
    cand = cand[~np.isin(calls["prompt_id"][cand], exclude)]
    if len(cand) < MIN_RESIDENCY_CALLS:
        raise RuntimeError("too few EU calls on the event day for residency_violation")
    chosen = np.sort(rng.choice(cand, min(RESIDENCY_CALLS, len(cand)), replace=False))
    calls.data["processing_region"][chosen] = ref.P_US_EAST
    return calls["prompt_id"][chosen]


def plant_unmapped_model(rng: np.random.Generator, calls: Frame) -> int:
    """A few calls of pilot tickets served by a model no configuration names yet."""
    pilot = np.flatnonzero(np.isin(calls["x_region"], ref.PILOT_REGIONS))
    n = min(len(pilot), max(5, round(len(calls) * 0.002)))
    calls.data["model"][rng.choice(pilot, n, replace=False)] = ref.M_GPT41_MINI
    return n


def plant_prompt_leaks(rng: np.random.Generator, calls: Frame) -> int:
    """A few prompt texts with an unredacted e-mail address, phone or card number."""
    texted = np.flatnonzero(calls.valid("prompt_text"))
    if len(texted) == 0:
        return 0
    n = min(len(texted), max(2, round(len(texted) * ref.LEAK_RATE)))
    rows = rng.choice(texted, n, replace=False)
    calls.data["prompt_text"][rows] = ref.LEAK_FIRST + rng.integers(0, ref.N_LEAKS, n)
    return n


def event_records(
    ctx: Context,
    residency_keys: dict[str, list[str]],
    residency_days: dict[str, tuple[int, int]],
    samples: dict[str, int],
) -> list[dict[str, object]]:
    """Manifest entries of the planted governance events."""
    lo, hi = ctx.window
    scopes: dict[str, dict[str, str | None]] = {
        cfg.RESIDENCY_VIOLATION: {"region": "EU", "intent": None, "queue": None},
        cfg.RESIDENCY_NO_POLICY: {"region": "SEA", "intent": None, "queue": None},
        cfg.RESIDENCY_UNKNOWN_TICKET: {"region": None, "intent": None, "queue": None},
        cfg.CONFIDENCE_DRIFT: {"region": "EU", "intent": "shipping_status", "queue": None},
        cfg.CSAT_DROP: {"region": "NA", "intent": None, "queue": "billing"},
        cfg.ESCALATION_SPIKE: {"region": "NA", "intent": "billing_refund", "queue": None},
    }
    out: list[dict[str, object]] = []
    for plant in cfg.GOVERNANCE_PLANTS:
        if not ctx.planted(plant):
            continue
        first, last = residency_days.get(plant, (lo, hi))
        record: dict[str, object] = {
            "event": plant,
            "scope": scopes[plant],
            "first_date": day_date(first).isoformat(),
            "last_date": day_date(last).isoformat(),
            "as_of_date": day_date(ctx.event_day).isoformat(),
            "keys": residency_keys.get(plant, []),
        }
        if plant in samples and plant in (cfg.CONFIDENCE_DRIFT, cfg.CSAT_DROP, cfg.ESCALATION_SPIKE):
            record["sample"] = samples[plant]  # drafts / responses / tickets in the smaller window
        out.append(record)
    return out


def unmapped_records(frames: dict[str, Rows]) -> list[dict[str, str]]:
    """The new (unmapped) values present in the latest rows."""
    t, c = frames[TICKETS], frames[CALLS]
    found: list[dict[str, str]] = []

    def present(dimension: str, value: str, mask: np.ndarray) -> None:
        if mask.any():
            found.append({"dimension": dimension, "value": value})

    present("queue", "warranty-claims", t["queue"] == ref.Q_WARRANTY)
    present("intent", "warranty_claim", (t["intent"] == ref.I_WARRANTY) & t.valid("intent"))
    present("region", "SEA", t["region"] == ref.R_SEA)
    present("model", "gpt-4.1-mini", c["model"] == ref.M_GPT41_MINI)
    return found
