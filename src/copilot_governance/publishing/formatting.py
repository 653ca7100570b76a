"""How figures read in the brief, the one-pager and the evidence pack: one place, so a number reads
the same in every output."""

from __future__ import annotations

import math

from copilot_governance.metric_registry import load_registry

#: Display name and unit of each metric the outputs show (metrics.md names).
METRICS = {
    "aht_seconds": ("AHT", "s"),
    "csat_pct": ("CSAT", "pts"),
    "fcr_rate": ("FCR", "rate"),
    "escalation_rate": ("Escalation", "rate"),
    "deflection_rate": ("Deflection", "rate"),
    "draft_acceptance_rate": ("Draft acceptance", "rate"),
    "coverage_rate": ("Coverage", "rate"),
    "draft_latency_p95_ms": ("Draft latency p95", "ms"),
    "residency_violations": ("Residency violations", "count"),
    "srm_p_value": ("Assignment (SRM) p-value", "p"),
}
#: Metrics where lower is better (for colouring a delta): the metric registry's, and the go/no-go's
#: latency and residency criteria (measured values, not registry ratios).
LOWER_IS_BETTER = frozenset({m.name for m in load_registry().metrics.values() if m.is_lower_better}) | {
    "draft_latency_p95_ms",
    "residency_violations",
}


def unit_of(metric: str) -> str:
    return METRICS.get(metric, (metric, "rate"))[1]


def name_of(metric: str) -> str:
    return METRICS.get(metric, (metric, "rate"))[0]


def figure(value: float | None, unit: str) -> str:
    """A value in its unit: seconds and milliseconds whole, CSAT points to one decimal, rates as a
    percentage to one decimal, dollars to cents (to 1/100 cent below a dollar); n/a for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "s":
        return f"{value:,.0f} s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "pts":
        return f"{value:.1f}"
    if unit == "usd":
        return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "p":
        return f"{value:.3g}"
    return f"{100 * value:.1f}%"


def difference(value: float, unit: str) -> str:
    """The size of a difference (no sign) in its unit: rates in percentage points."""
    if unit == "s":
        return f"{abs(value):,.0f} s"
    if unit == "pts":
        return f"{abs(value):.1f} pts"
    return f"{100 * abs(value):.1f} points"


def signed(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return ("-" if value < 0 else "+") + difference(value, unit)


def percent_change(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:+.1f}%"
