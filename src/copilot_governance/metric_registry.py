"""The metric registry (dbt_project.yml, vars.metric_registry), read by Python.

The registry is the one definition of each KPI's numerator, denominator, scale, interval and
direction; the SQL macros (macros/metrics/metric_registry.sql) build the marts from it, and the
brief and the report read the same pairs from here instead of writing them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from copilot_governance.paths import project_root


@dataclass(frozen=True)
class Measure:
    """A count or sum over ticket rows that metrics divide."""

    name: str
    aggregation: str
    column: str | None


@dataclass(frozen=True)
class Metric:
    """A KPI: scale * numerator / denominator, with its interval and direction."""

    name: str
    numerator: str
    denominator: str
    scale: float
    interval: str
    is_lower_better: bool
    on_scorecard: bool
    compared_with_control: bool

    def value(self, numerator: float | None, denominator: float | None) -> float | None:
        """The metric from its numerator and denominator; None without a denominator."""
        if numerator is None or not denominator:
            return None
        return self.scale * numerator / denominator


@dataclass(frozen=True)
class MetricRegistry:
    measures: dict[str, Measure]
    metrics: dict[str, Metric]

    def metric(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"metric_registry: no metric {name!r} (dbt_project.yml vars.metric_registry)") from None


def load_registry(root: Path | None = None) -> MetricRegistry:
    """The registry as dbt_project.yml writes it, with its names checked as the macros check them."""
    project = yaml.safe_load(((root or project_root()) / "dbt_project.yml").read_text())
    raw = project["vars"]["metric_registry"]
    measures = {
        row["measure"]: Measure(row["measure"], row["aggregation"], row.get("column")) for row in raw["measures"]
    }
    metrics: dict[str, Metric] = {}
    for row in raw["metrics"]:
        for side in ("numerator", "denominator"):
            if row[side] not in measures:
                raise ValueError(f"metric_registry: the {side} of {row['metric']} ({row[side]}) is not a measure")
        metrics[row["metric"]] = Metric(
            name=row["metric"],
            numerator=row["numerator"],
            denominator=row["denominator"],
            scale=float(row["scale"]),
            interval=row["interval"],
            is_lower_better=bool(row["is_lower_better"]),
            on_scorecard=bool(row["on_scorecard"]),
            compared_with_control=bool(row["compared_with_control"]),
        )
    return MetricRegistry(measures=measures, metrics=metrics)
