"""Generator configuration: defaults, plant names and argument validation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

#: Governance events (off by default); each takes place in the window d-2..d of the event day d.
RESIDENCY_VIOLATION = "residency_violation"
RESIDENCY_NO_POLICY = "residency_no_policy"
RESIDENCY_UNKNOWN_TICKET = "residency_unknown_ticket"
CONFIDENCE_DRIFT = "confidence_drift"
CSAT_DROP = "csat_drop"
ESCALATION_SPIKE = "escalation_spike"
GOVERNANCE_PLANTS: tuple[str, ...] = (
    RESIDENCY_VIOLATION,
    RESIDENCY_NO_POLICY,
    RESIDENCY_UNKNOWN_TICKET,
    CONFIDENCE_DRIFT,
    CSAT_DROP,
    ESCALATION_SPIKE,
)
PLANT_GROUPS: dict[str, tuple[str, ...]] = {"all-governance": GOVERNANCE_PLANTS}

DEFAULT_DAYS = 56
DEFAULT_BASELINE_DAYS = 28
DEFAULT_TICKETS_PER_DAY = 2000
MAX_TICKETS_PER_DAY = 500_000
DEFAULT_SEED = 42

#: Days before the event day d that a plant needs inside the pilot (copilot drafts or tickets).
_PILOT_DAYS_BEFORE_EVENT: dict[str, int] = {
    RESIDENCY_VIOLATION: 0,
    RESIDENCY_NO_POLICY: 0,
    RESIDENCY_UNKNOWN_TICKET: 0,
    CONFIDENCE_DRIFT: 5,
    ESCALATION_SPIKE: 2,
}


class ConfigError(ValueError):
    """An invalid generator argument (the CLI exits with status 2)."""


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date, or ConfigError."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def yesterday_utc() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def resolve_plants(names: Iterable[str]) -> frozenset[str]:
    """Canonical plant names from names and group names, or ConfigError for an unknown one."""
    out: set[str] = set()
    for name in names:
        if name in PLANT_GROUPS:
            out.update(PLANT_GROUPS[name])
        elif name in GOVERNANCE_PLANTS:
            out.add(name)
        else:
            known = ", ".join([*GOVERNANCE_PLANTS, *PLANT_GROUPS])
            raise ConfigError(f"unknown plant {name!r} (known: {known})")
    return frozenset(out)


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Dates left None take their defaults when the config is built:
    end_date yesterday (UTC), start_date 55 days before the end (eight weeks), pilot_start_date
    28 days after the start (half the range when that is shorter), event_date the end date.
    """

    start_date: date | None = None
    end_date: date | None = None
    pilot_start_date: date | None = None
    tickets_per_day: int = DEFAULT_TICKETS_PER_DAY
    seed: int = DEFAULT_SEED
    plants: frozenset[str] = field(default_factory=frozenset)
    event_date: date | None = None
    bad_input: bool = True
    redeliveries: bool = True
    late_rows: bool = True
    unmapped: bool = True
    #: Agent effects (issue 14; all 0 = off, the default data): the standard deviation of each agent's
    #: log handle-time factor, of each agent's copilot-arm share around 0.5, and of each agent's log
    #: copilot effect on handle time; and the assignment bug: the share of the control arm's easier
    #: tickets (faster than their queue's median) rerouted to the copilot arm in the pilot scope.
    agent_speed_sd: float = 0.0
    agent_arm_share_sd: float = 0.0
    agent_copilot_effect_sd: float = 0.0
    assignment_bug_share: float = 0.0
    #: An org-wide rollout (issue 10): from this day on, tickets of every queue and region may get the
    #: copilot arm (half of them, as in the pilot); before it only the pilot's scope does. None: no rollout.
    rollout_date: date | None = None

    def __post_init__(self) -> None:
        end = self.end_date
        start = self.start_date
        if end is None:
            end = yesterday_utc()
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        if end < start:
            raise ConfigError(f"end date {end} is before start date {start}")
        n_days = (end - start).days + 1
        pilot = self.pilot_start_date
        if pilot is None:
            pilot = start + timedelta(days=min(DEFAULT_BASELINE_DAYS, n_days // 2))
        if not start <= pilot <= end:
            raise ConfigError(f"pilot start date {pilot} is outside the range {start}..{end}")
        if self.rollout_date is not None and not start <= self.rollout_date <= end:
            raise ConfigError(f"rollout date {self.rollout_date} is outside the range {start}..{end}")
        if isinstance(self.tickets_per_day, bool) or not isinstance(self.tickets_per_day, int):
            raise ConfigError("tickets per day must be an integer")
        if self.tickets_per_day <= 0:
            raise ConfigError(f"tickets per day must be positive, got {self.tickets_per_day}")
        if self.tickets_per_day > MAX_TICKETS_PER_DAY:
            raise ConfigError(f"tickets per day must be at most {MAX_TICKETS_PER_DAY:,}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed!r}")
        for name in ("agent_speed_sd", "agent_arm_share_sd", "agent_copilot_effect_sd", "assignment_bug_share"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be a number from 0 to 1, got {value!r}")
        plants = resolve_plants(self.plants)
        event = self.event_date if self.event_date is not None else end
        if not start <= event <= end:
            raise ConfigError(f"event date {event} is outside the range {start}..{end}")
        if plants and (event - start).days < 5:
            raise ConfigError(f"event date {event} needs 5 days of data before it (range starts {start})")
        for plant in sorted(plants):
            need = _PILOT_DAYS_BEFORE_EVENT.get(plant)
            if need is not None and event - timedelta(days=need) < pilot:
                raise ConfigError(
                    f"plant {plant} needs the pilot running from {need} days before the event date"
                    f" {event}, but the pilot starts {pilot}"
                )
        object.__setattr__(self, "start_date", start)
        object.__setattr__(self, "end_date", end)
        object.__setattr__(self, "pilot_start_date", pilot)
        object.__setattr__(self, "plants", plants)
        object.__setattr__(self, "event_date", event)

    # Resolved accessors (never None after __post_init__), typed for the generator.
    @property
    def start(self) -> date:
        assert self.start_date is not None
        return self.start_date

    @property
    def end(self) -> date:
        assert self.end_date is not None
        return self.end_date

    @property
    def pilot_start(self) -> date:
        assert self.pilot_start_date is not None
        return self.pilot_start_date

    @property
    def event(self) -> date:
        assert self.event_date is not None
        return self.event_date

    @property
    def has_agent_effects(self) -> bool:
        return any(
            (self.agent_speed_sd, self.agent_arm_share_sd, self.agent_copilot_effect_sd, self.assignment_bug_share)
        )

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1
