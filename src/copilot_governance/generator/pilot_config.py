"""Read a pilot's windows from the project's pilots seed, so generated data lines up with it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from copilot_governance.generator.config import ConfigError, parse_date


@dataclass(frozen=True)
class PilotWindows:
    pilot_id: str
    baseline_start: date
    pilot_start: date
    pilot_end: date | None


def read_pilot_windows(path: Path, pilot_id: str | None = None) -> PilotWindows:
    """The windows of `pilot_id` (default: the file's first pilot) in a pilots.csv seed."""
    if not path.exists():
        raise ConfigError(f"pilot config {path} does not exist")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    required = {"pilot_id", "baseline_start_date", "pilot_start_date", "pilot_end_date"}
    if not rows or not required <= set(rows[0]):
        raise ConfigError(f"pilot config {path} needs the columns {', '.join(sorted(required))} and one row per pilot")
    chosen = rows[0] if pilot_id is None else next((r for r in rows if r["pilot_id"] == pilot_id), None)
    if chosen is None:
        known = ", ".join(r["pilot_id"] for r in rows)
        raise ConfigError(f"pilot {pilot_id!r} is not in {path} (known: {known})")
    end_text = (chosen["pilot_end_date"] or "").strip()
    return PilotWindows(
        pilot_id=chosen["pilot_id"],
        baseline_start=parse_date(chosen["baseline_start_date"]),
        pilot_start=parse_date(chosen["pilot_start_date"]),
        pilot_end=parse_date(end_text) if end_text else None,
    )
