"""`generate(config)`: the whole run, from ticket simulation to the raw tables and manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

import numpy as np
import pyarrow as pa

from copilot_governance.contract import CALLS, DRAFTS, KEYS, TABLES, TICKETS

from . import config as cfg
from . import plants
from .bad_input import plant_bad_rows
from .config import GeneratorConfig
from .context import Context
from .deliveries import KINDS, Redeliveries, assign_loaded_at, redeliver
from .frame import DAY, Frame, to_arrow
from .reference import ID_FORMAT
from .tickets import assign_rated_outcomes, sample_seeds

CHUNK_DAYS = 7
MANIFEST_REDELIVERY_SAMPLE = 200
SEG_BASE, SEG_DELIVERY, SEG_PLANTS, SEG_BAD = 0, 3, 4, 5
ProgressFn = Callable[[str], None]


@dataclass
class GenerationResult:
    """The generated raw tables (pyarrow, contract columns and types) and the manifest."""

    config: GeneratorConfig
    tables: dict[str, pa.Table]
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def render_id(column: str, number: int) -> str:
    prefix, width = ID_FORMAT[column]
    return f"{prefix}{number:0{width}d}"


def iso(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None).isoformat()


def _latest_count(frame: Frame, key: str) -> int:
    valid = frame.valid(key)
    return int(len(np.unique(frame[key][valid])) + (~valid).sum())


def _sort_by_load(frame: Frame) -> Frame:
    """Raw rows in load order (rows without a _loaded_at last)."""
    loaded = np.where(frame.null["_loaded_at"], np.iinfo(np.int64).max, frame["_loaded_at"])
    return frame.take(np.argsort(loaded, kind="stable"))


def _redelivery_records(
    rng: np.random.Generator, finals: dict[str, Frame], red: Redeliveries
) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """A sample (<= 200, every table and kind represented) of re-delivered keys, and counts."""
    groups: list[tuple[str, int, np.ndarray]] = []
    counts: dict[str, dict[str, int]] = {}
    for table in TABLES:
        rows, kinds = red.rows[table], red.kinds[table]
        counts[table] = {}
        for k in np.unique(kinds):
            counts[table][KINDS[k]] = int((kinds == k).sum())
            groups.append((table, int(k), rows[kinds == k]))
    quota = MANIFEST_REDELIVERY_SAMPLE // max(len(groups), 1)
    records: list[dict[str, Any]] = []
    for table, k, rows in groups:
        frame, key = finals[table], KEYS[table]
        chosen = np.sort(rng.choice(rows, min(quota, len(rows)), replace=False))
        for i in chosen:
            records.append(
                {
                    "table": table,
                    "key": render_id(key, int(frame[key][i])),
                    "winner_loaded_at": iso(int(frame["_loaded_at"][i])),
                    "winner_updated_at": iso(int(frame["updated_at"][i])) if table == TICKETS else None,
                    "kind": KINDS[k],
                }
            )
    return records, counts


def _manifest(
    ctx: Context,
    tables: dict[str, pa.Table],
    raw: dict[str, Frame],
    finals: dict[str, Frame],
    samples: dict[str, int],
    residency_calls: dict[str, np.ndarray],
    late: dict[str, int],
    leaks: int,
) -> dict[str, Any]:
    """The manifest (bad_rows and redeliveries are filled in by the caller)."""
    config = ctx.config
    calls = finals[CALLS]
    residency_keys = {p: [render_id("prompt_id", int(k)) for k in np.sort(keys)] for p, keys in residency_calls.items()}
    residency_days: dict[str, tuple[int, int]] = {}
    for p, keys in residency_calls.items():
        logged = calls["logged_at"][np.isin(calls["prompt_id"], keys)] // DAY
        residency_days[p] = (int(logged.min()), int(logged.max()))
    return {
        "seed": config.seed,
        "start_date": config.start.isoformat(),
        "end_date": config.end.isoformat(),
        "pilot_start_date": config.pilot_start.isoformat(),
        "tickets_per_day": config.tickets_per_day,
        "event_date": config.event.isoformat() if config.plants else None,
        "plants": sorted(config.plants),
        "options": {
            "bad_input": config.bad_input,
            "redeliveries": config.redeliveries,
            "late_rows": config.late_rows,
            "unmapped": config.unmapped,
        },
        "row_counts": {t: tables[t].num_rows for t in TABLES},
        "latest_row_counts": {t: _latest_count(raw[t], KEYS[t]) for t in TABLES},
        "bad_rows": [],
        "redeliveries": [],
        "redelivery_counts": {},
        "late_rows": late if config.late_rows else {},
        "prompt_text_leaks": leaks,
        "unmapped": plants.unmapped_records(finals),
        "events": plants.event_records(ctx, residency_keys, residency_days, samples),
    }


def generate(config: GeneratorConfig, progress: ProgressFn | None = None) -> GenerationResult:
    """Generate the three raw tables for a configuration (deterministic for seed and range)."""
    say: ProgressFn = progress or (lambda _msg: None)
    ctx = Context(config)
    timings: dict[str, float] = {}
    t0 = perf_counter()

    # 1. The organisation's tickets, in day chunks, with their drafts and calls.
    parts = plants.Parts([], [], [])
    days = np.arange(ctx.start_day, ctx.end_day + 1)
    n_tickets = 0
    for ci, first in enumerate(range(0, len(days), CHUNK_DAYS)):
        chunk = days[first : first + CHUNK_DAYS]
        rng = ctx.rng(SEG_BASE, ci)
        parts.add(*plants.run_segment(ctx, rng, sample_seeds(ctx, rng, chunk)))
        n_tickets += len(parts.tickets[-1])
        say(f"generated {first + len(chunk)}/{len(days)} days, {n_tickets:,} tickets, {perf_counter() - t0:.1f}s")

    # 2. Planted scopes big enough; extra segments (unmapped queue, residency events).
    samples = plants.boost_planted_scopes(ctx, parts)
    residency_calls = plants.add_extra_segments(ctx, parts)
    finals = {
        TICKETS: Frame.concat(parts.tickets),
        CALLS: Frame.concat(parts.calls),
        DRAFTS: Frame.concat(parts.drafts),
    }
    del parts
    calls = finals[CALLS]
    rng = ctx.rng(SEG_PLANTS)
    assign_rated_outcomes(ctx, rng, finals[TICKETS])
    if ctx.planted(cfg.RESIDENCY_VIOLATION):
        exclude = np.concatenate([np.zeros(0, dtype=np.int64), *residency_calls.values()])
        residency_calls[cfg.RESIDENCY_VIOLATION] = plants.plant_residency_violation(ctx, rng, calls, exclude)
    if config.unmapped:
        plants.plant_unmapped_model(rng, calls)
    leaks = plants.plant_prompt_leaks(rng, calls)
    timings["simulate"] = perf_counter() - t0

    # 3. Deliveries: loader lag, late rows, re-deliveries; then bad input.
    t1 = perf_counter()
    rng = ctx.rng(SEG_DELIVERY)
    late = {t: assign_loaded_at(ctx, rng, finals[t], config.late_rows) for t in TABLES}
    if config.redeliveries:
        raw, red = redeliver(ctx, rng, finals)
        red_records, red_counts = _redelivery_records(rng, finals, red)
    else:
        raw, red_records, red_counts = dict(finals), [], {}
    bad_records: list[dict[str, Any]] = []
    if config.bad_input:
        bad, bad_raw = plant_bad_rows(ctx, ctx.rng(SEG_BAD), finals)
        raw = {t: Frame.concat([raw[t], bad[t]]) for t in TABLES}
        bad_records = [
            {
                "table": r.table,
                "key": None if r.key is None else render_id(KEYS[r.table], r.key),
                "loaded_at": iso(r.loaded_at),
                "rules": r.rules,
            }
            for r in bad_raw
        ]
    timings["deliver"] = perf_counter() - t1

    # 4. Arrow tables and the manifest.
    t2 = perf_counter()
    tables = {t: to_arrow(_sort_by_load(raw[t])) for t in TABLES}
    timings["arrow"] = perf_counter() - t2

    manifest = _manifest(ctx, tables, raw, finals, samples, residency_calls, late, leaks)
    manifest.update(bad_rows=bad_records, redeliveries=red_records, redelivery_counts=red_counts)
    timings["total"] = perf_counter() - t0
    return GenerationResult(config, tables, manifest, timings)
