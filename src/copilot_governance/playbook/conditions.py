"""The playbook's rule conditions, parsed into the project's rule configuration (seed rollback_rules).

Known forms (the shared playbook's, with their numbers free):
- `confidence_drift > 0.12 over 72h`  -> confidence_drift: mean confidence drift above 0.12, 3-day window
- `escalation_rate > target * 1.3`    -> escalation_breach: above 1.3 x the escalation_max target
- `ticket.region != prompt.region`    -> residency_violation: a call processed outside the ticket's
  region's processing region (telemetry.data_residency; EU means westeurope)
- `rolling_3day_csat < CSAT_min`      -> csat_drop: 3-day CSAT below the CSAT_min target
Anything else is an error naming the condition: a rule is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"


@dataclass(frozen=True)
class RuleCondition:
    """One rule's configuration as the seed rollback_rules holds it."""

    rule: str
    comparison: str  # greater_than | less_than
    limit_value: float | None  # a fixed limit, or None when it comes from a target
    limit_source_metric: str | None  # the kpi_targets metric the limit comes from
    limit_factor: float
    current_window_days: int


_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"confidence_drift\s*>\s*{_NUMBER}\s+over\s+([0-9]+)\s*h"), "drift"),
    (re.compile(rf"escalation_rate\s*>\s*target\s*\*\s*{_NUMBER}"), "escalation"),
    (re.compile(r"ticket\.region\s*!=\s*prompt\.region"), "residency"),
    (re.compile(r"rolling_([0-9]+)day_csat\s*<\s*CSAT_min"), "csat"),
]
KNOWN_FORMS = (
    "confidence_drift > <number> over <hours>h",
    "escalation_rate > target * <factor>",
    "ticket.region != prompt.region",
    "rolling_<days>day_csat < CSAT_min",
)


def _days(hours: int, text: str) -> int:
    if hours <= 0 or hours % 24:
        raise ValueError(f"condition {text!r}: the window must be whole days (24h, 48h, 72h...), got {hours}h")
    return hours // 24


def parse_condition(text: str) -> RuleCondition:
    """The rule a condition string configures; ValueError naming it when it is not a known form."""
    stripped = " ".join(str(text).split())
    for pattern, kind in _FORMS:
        match = pattern.fullmatch(stripped)
        if not match:
            continue
        if kind == "drift":
            return RuleCondition(
                "confidence_drift", "greater_than", float(match[1]), None, 1.0, _days(int(match[2]), text)
            )
        if kind == "escalation":
            return RuleCondition("escalation_breach", "greater_than", None, "escalation_rate", float(match[1]), 3)
        if kind == "residency":
            return RuleCondition("residency_violation", "greater_than", 0.0, None, 1.0, 3)
        days = int(match[1])
        if days <= 0:
            raise ValueError(f"condition {text!r}: the window must be at least 1 day")
        return RuleCondition("csat_drop", "less_than", None, "csat_pct", 1.0, days)
    raise ValueError(f"unknown condition {text!r}; expected one of: {'; '.join(KNOWN_FORMS)}")
