"""`generate(config)`: the whole run, from ticket simulation to the raw tables and manifest.

A run has two parts. `prepare` simulates the organisation's tickets in day chunks (CHUNK_DAYS days,
each chunk with a random stream of its own) with their drafts and calls, and keeps them packed
(store.py) while it runs the steps that look at every row of a table at once: the rated outcomes,
the plants, the loader lag, the re-deliveries and the bad input; it also builds the manifest.
`Prepared.emit` then hands the raw rows to a sink in load order (`_loaded_at`, rows without one
last), `write_days` days of loads at a time: `generate` collects them in memory, and
writers.write_generated appends them to the DuckDB file (and the Parquet files) as it goes. The
rows, and their order, do not depend on `write_days`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import perf_counter
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from copilot_governance.contract import CALLS, DRAFTS, KEYS, TABLES, TICKETS

from . import config as cfg
from . import plants
from .bad_input import plant_bad_rows
from .config import GeneratorConfig
from .context import Context, day_date
from .deliveries import EVENT_COLUMNS, KINDS, Redeliveries, assign_loaded_at, redeliver
from .frame import DAY, Frame, arrow_schema, to_arrow
from .reference import ID_FORMAT
from .store import PackedFrame, Rows, TableStore
from .tickets import RATED_OUTCOME_COLUMNS, assign_rated_outcomes, sample_seeds

CHUNK_DAYS = 7
#: Days of loads (`_loaded_at`) handed to the sink at a time.
WRITE_DAYS = 7
MANIFEST_REDELIVERY_SAMPLE = 200
SEG_BASE, SEG_DELIVERY, SEG_PLANTS, SEG_BAD = 0, 3, 4, 5
ProgressFn = Callable[[str], None]
#: A load window: rows with lo <= _loaded_at < hi (seconds; None: unbounded, the last one also
#: holds the rows without a _loaded_at).
Window = tuple[int | None, int | None]


class Sink(Protocol):
    """Where emitted raw rows go: one call per table and load window, in load order."""

    def write(self, table: str, rows: pa.Table) -> None: ...


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


@dataclass
class GenerationSummary:
    """A run whose raw tables went to a sink (a DuckDB file): its manifest and timings."""

    config: GeneratorConfig
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def row_counts(self) -> dict[str, int]:
        return dict(self.manifest["row_counts"])


def render_id(column: str, number: int) -> str:
    prefix, width = ID_FORMAT[column]
    return f"{prefix}{number:0{width}d}"


def iso(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None).isoformat()


def _quiet(_msg: str) -> None:
    return None


# --- 1. simulation and the run-wide steps ------------------------------------------------------


def _simulate_days(ctx: Context, parts: plants.Parts, say: ProgressFn, started: float) -> None:
    """The organisation's tickets, in day chunks, with their drafts and calls."""
    days = np.arange(ctx.start_day, ctx.end_day + 1)
    for ci, first in enumerate(range(0, len(days), CHUNK_DAYS)):
        chunk = days[first : first + CHUNK_DAYS]
        rng = ctx.rng(SEG_BASE, ci)
        parts.add(*plants.run_segment(ctx, rng, sample_seeds(ctx, rng, chunk)))
        say(
            f"generated {first + len(chunk)}/{len(days)} days, {parts.n_tickets:,} tickets, "
            f"{len(parts.tables[DRAFTS]):,} drafts, {len(parts.tables[CALLS]):,} calls, "
            f"{perf_counter() - started:.1f}s"
        )


def _plant_outcomes(ctx: Context, finals: dict[str, TableStore], residency_calls: dict[str, np.ndarray]) -> int:
    """Rated outcomes (CSAT, escalation) and the call plants, over every row (one random stream).

    Adds the residency_violation calls to `residency_calls`; returns the number of prompt leaks.
    """
    rng = ctx.rng(SEG_PLANTS)
    tickets = finals[TICKETS].columns(RATED_OUTCOME_COLUMNS, packed=True)
    assign_rated_outcomes(ctx, rng, tickets)
    finals[TICKETS].update(tickets, ("satisfaction_rating", "escalated"))
    del tickets
    calls = finals[CALLS].columns(plants.CALL_PLANT_COLUMNS)
    if ctx.planted(cfg.RESIDENCY_VIOLATION):
        exclude = np.concatenate([np.zeros(0, dtype=np.int64), *residency_calls.values()])
        residency_calls[cfg.RESIDENCY_VIOLATION] = plants.plant_residency_violation(ctx, rng, calls, exclude)
    if ctx.config.unmapped:
        plants.plant_unmapped_model(rng, calls)
    leaks = plants.plant_prompt_leaks(rng, calls)
    finals[CALLS].update(calls, ("processing_region", "model", "prompt_text"))
    return leaks


def _assign_loads(ctx: Context, rng: np.random.Generator, finals: dict[str, TableStore]) -> dict[str, int]:
    """`_loaded_at` of every final row; returns the late rows per table."""
    late: dict[str, int] = {}
    for table in TABLES:
        frame = finals[table].columns(EVENT_COLUMNS[table])
        late[table] = assign_loaded_at(ctx, rng, frame, ctx.config.late_rows)
        finals[table].update(frame, ("_loaded_at",))
    return late


def _redelivery_records(
    rng: np.random.Generator, finals: dict[str, Rows], red: Redeliveries
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
        key = KEYS[table]
        chosen = finals[table].take(np.sort(rng.choice(rows, min(quota, len(rows)), replace=False)))
        for i in range(len(chosen)):
            records.append(
                {
                    "table": table,
                    "key": render_id(key, int(chosen[key][i])),
                    "winner_loaded_at": iso(int(chosen["_loaded_at"][i])),
                    "winner_updated_at": iso(int(chosen["updated_at"][i])) if table == TICKETS else None,
                    "kind": KINDS[k],
                }
            )
    return records, counts


@dataclass
class _Deliveries:
    """What the delivery step adds besides `_loaded_at`: per table the rows delivered besides the
    final ones (earlier deliveries, then bad rows), and the manifest's records of them."""

    extra: dict[str, list[Frame]]
    late: dict[str, int]
    redeliveries: list[dict[str, Any]]
    redelivery_counts: dict[str, dict[str, int]]
    bad_rows: list[dict[str, Any]]


def _deliver(ctx: Context, finals: dict[str, TableStore]) -> _Deliveries:
    """Loader lag, late rows, re-deliveries; then bad input."""
    config = ctx.config
    rows: dict[str, Rows] = dict(finals)
    rng = ctx.rng(SEG_DELIVERY)
    late = _assign_loads(ctx, rng, finals)
    extra: dict[str, list[Frame]] = {t: [] for t in TABLES}
    red_records: list[dict[str, Any]] = []
    red_counts: dict[str, dict[str, int]] = {}
    if config.redeliveries:
        earlier, red = redeliver(ctx, rng, rows)
        red_records, red_counts = _redelivery_records(rng, rows, red)
        for t in TABLES:
            extra[t].append(earlier[t])
    bad_records: list[dict[str, Any]] = []
    if config.bad_input:
        bad, bad_raw = plant_bad_rows(ctx, ctx.rng(SEG_BAD), rows)
        for t in TABLES:
            extra[t].append(bad[t])
        bad_records = [
            {
                "table": r.table,
                "key": None if r.key is None else render_id(KEYS[r.table], r.key),
                "loaded_at": iso(r.loaded_at),
                "rules": r.rules,
            }
            for r in bad_raw
        ]
    return _Deliveries(extra, late, red_records, red_counts, bad_records)


def _distinct(values: np.ndarray) -> int:
    """The number of distinct values (by sorting: numpy's hash-based unique is slow on sequential ids)."""
    if len(values) == 0:
        return 0
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1]) + 1)


def _latest_count(pieces: Sequence[Rows], key: str) -> int:
    """Distinct keys among the raw rows (each row with a null key counts once)."""
    keys = np.concatenate([p[key] for p in pieces])
    valid = np.concatenate([p.valid(key) for p in pieces])
    return _distinct(keys[valid]) + int((~valid).sum())


def _manifest(
    ctx: Context,
    raw: dict[str, list[Rows]],
    finals: dict[str, TableStore],
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
    if residency_calls:
        prompt_ids, logged_days = calls["prompt_id"], calls["logged_at"] // DAY
        for p, keys in residency_calls.items():
            logged = logged_days[np.isin(prompt_ids, keys)]
            residency_days[p] = (int(logged.min()), int(logged.max()))
    return {
        "seed": config.seed,
        "start_date": config.start.isoformat(),
        "end_date": config.end.isoformat(),
        "pilot_start_date": config.pilot_start.isoformat(),
        "rollout_date": None if config.rollout_date is None else config.rollout_date.isoformat(),
        "tickets_per_day": config.tickets_per_day,
        "event_date": config.event.isoformat() if config.plants else None,
        "plants": sorted(config.plants),
        "options": {
            "bad_input": config.bad_input,
            "redeliveries": config.redeliveries,
            "late_rows": config.late_rows,
            "unmapped": config.unmapped,
        },
        "row_counts": {t: sum(len(p) for p in raw[t]) for t in TABLES},
        "latest_row_counts": {t: _latest_count(raw[t], KEYS[t]) for t in TABLES},
        "bad_rows": [],
        "redeliveries": [],
        "redelivery_counts": {},
        "late_rows": late if config.late_rows else {},
        "prompt_text_leaks": leaks,
        "unmapped": plants.unmapped_records(dict(finals)),
        "events": plants.event_records(ctx, residency_keys, residency_days, samples),
    }


# --- 2. emitting the raw rows in load order ------------------------------------------------------


def load_windows(ctx: Context, write_days: int) -> list[Window]:
    """Consecutive windows of `write_days` days of loads from the start date, covering every load;
    the last holds the rows loaded after the nightly load cap and those without a `_loaded_at`."""
    if write_days < 1:
        raise ValueError(f"write_days must be at least 1, got {write_days}")
    edges = [(ctx.start_day + write_days) * DAY]
    while edges[-1] <= ctx.load_cap:
        edges.append(edges[-1] + write_days * DAY)
    return list(zip([None, *edges], [*edges, None], strict=True))


def _key_span(part: PackedFrame) -> tuple[int, int]:
    if part.n == 0:
        return 0, -1
    keys = part.load_keys()
    return int(keys.min()), int(keys.max())


def _window_rows(parts: Sequence[PackedFrame], spans: Sequence[tuple[int, int]], window: Window) -> Frame | None:
    """The rows of the parts (in raw order) loaded in a window, in load order; None when none is."""
    lo, hi = window
    pieces: list[Frame] = []
    keys: list[np.ndarray] = []
    for part, (first, last) in zip(parts, spans, strict=True):
        if part.n == 0 or (lo is not None and last < lo) or (hi is not None and first >= hi):
            continue
        key = part.load_keys()
        inside = np.ones(part.n, dtype=bool)
        if lo is not None:
            inside &= key >= lo
        if hi is not None:
            inside &= key < hi
        rows = np.flatnonzero(inside)
        if len(rows):
            pieces.append(part.frame(rows=rows))
            keys.append(key[rows])
    if not pieces:
        return None
    return Frame.concat(pieces).take(np.argsort(np.concatenate(keys), kind="stable"))


def _window_label(ctx: Context, window: Window) -> str:
    """E.g. "the loads through 2025-01-12 (7/57 days)": loads run to the day after the end date."""
    _, hi = window
    if hi is None:
        return "the rows loaded later or without a load time"
    last = min(hi // DAY, ctx.end_day + 2) - 1
    return f"the loads through {day_date(last).isoformat()} ({last - ctx.start_day + 1}/{ctx.config.n_days + 1} days)"


@dataclass
class Prepared:
    """A simulated run, its rows packed (final rows per table, then the other deliveries), ready to emit."""

    ctx: Context
    raw: dict[str, list[PackedFrame]]
    manifest: dict[str, Any]
    timings: dict[str, float]
    started: float

    @property
    def config(self) -> GeneratorConfig:
        return self.ctx.config

    def emit(self, sink: Sink, progress: ProgressFn | None = None, write_days: int = WRITE_DAYS) -> dict[str, int]:
        """Hand every raw row to the sink in load order, a load window at a time; returns the rows per table."""
        say = progress or _quiet
        t0 = perf_counter()
        spans = {t: [_key_span(p) for p in self.raw[t]] for t in TABLES}
        written = dict.fromkeys(TABLES, 0)
        for window in load_windows(self.ctx, write_days):
            for table in TABLES:
                frame = _window_rows(self.raw[table], spans[table], window)
                if frame is not None:
                    sink.write(table, to_arrow(frame))
                    written[table] += len(frame)
            say(
                f"wrote {_window_label(self.ctx, window)}: {sum(written.values()):,} rows "
                f"({written[TICKETS]:,} tickets, {written[DRAFTS]:,} drafts, {written[CALLS]:,} calls), "
                f"{perf_counter() - self.started:.1f}s"
            )
        if written != self.manifest["row_counts"]:
            raise RuntimeError(f"wrote {written} rows, the manifest counts {self.manifest['row_counts']}")
        self.timings["write"] = perf_counter() - t0
        self.timings["total"] = perf_counter() - self.started
        return written


def prepare(config: GeneratorConfig, progress: ProgressFn | None = None) -> Prepared:
    """Simulate a run and apply every run-wide step; nothing is written yet (see Prepared.emit)."""
    say = progress or _quiet
    ctx = Context(config)
    timings: dict[str, float] = {}
    started = perf_counter()

    # 1. The organisation's tickets; planted scopes big enough; extra segments (unmapped queue, residency events).
    parts = plants.Parts(ctx)
    _simulate_days(ctx, parts, say, started)
    samples = plants.boost_planted_scopes(ctx, parts)
    residency_calls = plants.add_extra_segments(ctx, parts)
    finals = parts.tables
    leaks = _plant_outcomes(ctx, finals, residency_calls)
    timings["simulate"] = perf_counter() - started

    # 2. Deliveries: loader lag, late rows, re-deliveries; then bad input.
    t1 = perf_counter()
    deliveries = _deliver(ctx, finals)
    raw: dict[str, list[Rows]] = {t: [finals[t], *deliveries.extra[t]] for t in TABLES}
    manifest = _manifest(ctx, raw, finals, samples, residency_calls, deliveries.late, leaks)
    manifest.update(
        bad_rows=deliveries.bad_rows,
        redeliveries=deliveries.redeliveries,
        redelivery_counts=deliveries.redelivery_counts,
    )
    packed = {t: [*finals[t].parts, *(PackedFrame(f) for f in deliveries.extra[t])] for t in TABLES}
    timings["deliver"] = perf_counter() - t1
    say(f"simulated and delivered {manifest['row_counts'][TICKETS]:,} ticket rows, {perf_counter() - started:.1f}s")
    return Prepared(ctx, packed, manifest, timings, started)


class MemorySink:
    """Collects the emitted rows as one pyarrow table per raw table."""

    def __init__(self) -> None:
        self.parts: dict[str, list[pa.Table]] = {t: [] for t in TABLES}

    def write(self, table: str, rows: pa.Table) -> None:
        self.parts[table].append(rows)

    def tables(self) -> dict[str, pa.Table]:
        return {
            t: pa.concat_tables([arrow_schema(t).empty_table(), *ps]).combine_chunks() for t, ps in self.parts.items()
        }


def generate(
    config: GeneratorConfig, progress: ProgressFn | None = None, write_days: int = WRITE_DAYS
) -> GenerationResult:
    """Generate the three raw tables for a configuration (deterministic for seed and range), in memory."""
    prepared = prepare(config, progress)
    sink = MemorySink()
    prepared.emit(sink, progress, write_days)
    return GenerationResult(config, sink.tables(), prepared.manifest, prepared.timings)
