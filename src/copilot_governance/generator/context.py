"""Run-wide state of one generation: day numbers, cut-offs, plant windows, id counters, RNGs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from . import config as cfg
from .frame import DAY, HOUR

EPOCH = date(1970, 1, 1)
#: Planted values (see the plant switches).
CSAT_DROP_GOOD_SHARE = 0.55
ESCALATION_SPIKE_RATE = 0.40
CONFIDENCE_DRIFT_SHIFT = 0.20


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def day_date(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


@dataclass
class Context:
    """Derived from a GeneratorConfig. All times are int seconds since the epoch (UTC)."""

    config: cfg.GeneratorConfig
    start_day: int = 0
    end_day: int = 0
    pilot_day: int = 0
    #: The first day of the org-wide rollout (every queue and region), None without one.
    rollout_day: int | None = None
    event_day: int = 0
    #: No event happens at or after the cut-off (end date + 1 day, 00:00): the data is a snapshot.
    cutoff: int = 0
    #: No row is loaded after the nightly load of the end date + 1 day, 06:00.
    load_cap: int = 0
    #: Calls before this keep no prompt_text (30-day retention).
    retention_start: int = 0
    #: From this day on, the bumped intent's calls use its new template version.
    bump_day: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = self.config
        self.start_day = day_number(c.start)
        self.end_day = day_number(c.end)
        self.pilot_day = day_number(c.pilot_start)
        self.rollout_day = None if c.rollout_date is None else day_number(c.rollout_date)
        self.event_day = day_number(c.event)
        self.cutoff = (self.end_day + 1) * DAY
        self.load_cap = self.cutoff + 6 * HOUR
        self.retention_start = self.cutoff - 30 * DAY
        self.bump_day = self.pilot_day + (self.end_day - self.pilot_day + 1) // 2
        self.counters = {"ticket": 0, "prompt": 0, "draft": 0}

    def rng(self, *key: int) -> np.random.Generator:
        """An independent RNG stream for a part of the run, fixed by the seed and key."""
        return np.random.default_rng([self.config.seed, *key])

    def take_ids(self, kind: str, n: int) -> np.ndarray:
        """n new sequential id numbers for tickets, prompts or drafts."""
        first = self.counters[kind] + 1
        self.counters[kind] += n
        return np.arange(first, first + n, dtype=np.int64)

    def planted(self, plant: str) -> bool:
        return plant in self.config.plants

    @property
    def window(self) -> tuple[int, int]:
        """The event's current window d-2..d (day numbers, inclusive)."""
        return self.event_day - 2, self.event_day

    @property
    def reference_window(self) -> tuple[int, int]:
        """The event's reference window d-5..d-3."""
        return self.event_day - 5, self.event_day - 3

    def in_window(self, days: np.ndarray) -> np.ndarray:
        lo, hi = self.window
        return (days >= lo) & (days <= hi)
