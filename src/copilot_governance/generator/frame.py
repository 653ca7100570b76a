"""A minimal columnar frame of numpy arrays, plus the vectorised sampling helpers.

Columns hold numbers only: ids as int64 numbers (rendered as strings at the end), enum and other
string columns as codes into the vocabularies of `reference`, timestamps as int64 seconds since the
epoch (UTC). Every column has a null mask. Columns whose name starts with ``x_`` are auxiliary (not
written). `to_arrow` renders a frame as a pyarrow table of exactly the contract's columns and types.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from copilot_governance.contract import CALLS, COLUMNS, DRAFTS, TICKETS

from . import reference as ref

DAY = 86_400
HOUR = 3_600

VOCAB: dict[tuple[str, str], tuple[str, ...]] = {
    (TICKETS, "queue"): ref.QUEUES,
    (TICKETS, "intent"): ref.INTENTS,
    (TICKETS, "region"): ref.REGIONS,
    (TICKETS, "channel"): ref.CHANNELS,
    (TICKETS, "resolved_by"): ref.RESOLVED_BY,
    (TICKETS, "agent_id"): ref.AGENT_IDS,
    (TICKETS, "satisfaction_rating"): ref.SATISFACTION,
    (CALLS, "processing_region"): ref.PROCESSING_REGIONS,
    (CALLS, "model"): ref.MODELS,
    (CALLS, "prompt_template_version"): ref.TEMPLATES,
    (CALLS, "status"): ref.CALL_STATUS,
    (CALLS, "prompt_text"): ref.PROMPT_TEXTS,
    (DRAFTS, "intent"): ref.INTENTS,
    (DRAFTS, "suggestion_mode"): ref.SUGGESTION_MODES,
    (DRAFTS, "agent_action"): ref.AGENT_ACTIONS,
}

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The pyarrow schema of a raw table (contract column order and types)."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.duck_type]) for c in COLUMNS[table]])


class Frame:
    """Named numpy columns of equal length, each with a boolean null mask."""

    def __init__(
        self,
        table: str,
        data: dict[str, np.ndarray],
        null: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.table = table
        self.data = data
        lengths = {len(v) for v in data.values()}
        if len(lengths) > 1:
            raise ValueError(f"{table}: columns of different lengths {sorted(lengths)}")
        self.n = lengths.pop() if lengths else 0
        null = dict(null or {})
        for name in data:
            if name not in null:
                null[name] = np.zeros(self.n, dtype=bool)
        self.null = null

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name]

    def valid(self, name: str) -> np.ndarray:
        """True where the column is not null."""
        return ~self.null[name]

    def take(self, idx: np.ndarray) -> Frame:
        """Rows at positions (or where a boolean mask is true)."""
        return Frame(
            self.table,
            {k: v[idx] for k, v in self.data.items()},
            {k: v[idx] for k, v in self.null.items()},
        )

    def copy(self) -> Frame:
        return self.take(np.arange(self.n))

    @staticmethod
    def concat(frames: Sequence[Frame]) -> Frame:
        frames = [f for f in frames if f.n > 0] or list(frames[:1])
        first = frames[0]
        names = list(first.data)
        for f in frames[1:]:
            if set(f.data) != set(names):
                raise ValueError(f"{first.table}: concat of frames with different columns")
        return Frame(
            first.table,
            {k: np.concatenate([f.data[k] for f in frames]) for k in names},
            {k: np.concatenate([f.null[k] for f in frames]) for k in names},
        )


def to_arrow(frame: Frame) -> pa.Table:
    """Render a frame as a pyarrow table with exactly the contract's columns and types."""
    arrays: list[pa.Array] = []
    for col in COLUMNS[frame.table]:
        values, mask = frame.data[col.name], frame.null[col.name]
        if col.name in ref.ID_FORMAT:
            prefix, width = ref.ID_FORMAT[col.name]
            digits = pc.cast(pa.array(values.astype(np.int64), mask=mask), pa.string())
            arr = pc.binary_join_element_wise(prefix, pc.utf8_lpad(digits, width, "0"), "")
        elif (frame.table, col.name) in VOCAB:
            vocab = pa.array(VOCAB[(frame.table, col.name)], type=pa.string())
            arr = pc.take(vocab, pa.array(values.astype(np.int32), mask=mask))
        elif col.duck_type == "TIMESTAMP":
            micros = values.astype(np.int64) * 1_000_000
            arr = pa.array(micros, mask=mask).cast(pa.timestamp("us"))
        elif col.duck_type == "BOOLEAN":
            arr = pa.array(values.astype(bool), mask=mask)
        elif col.duck_type == "INTEGER":
            arr = pa.array(values.astype(np.int32), mask=mask)
        else:
            arr = pa.array(values.astype(np.float64), mask=mask)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(frame.table))


# --- sampling helpers ---------------------------------------------------------------------------


def choice(rng: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    """n codes drawn from the distribution p (vectorised)."""
    cdf = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1)


def choice_given(rng: np.random.Generator, cond: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """For each row a code drawn from matrix[cond[row]] (a distribution per condition code)."""
    out = np.zeros(len(cond), dtype=np.int64)
    u = rng.random(len(cond))
    for c in np.unique(cond):
        rows = np.flatnonzero(cond == c)
        p = matrix[c]
        cdf = np.cumsum(p / p.sum())
        out[rows] = np.minimum(np.searchsorted(cdf, u[rows], side="right"), len(p) - 1)
    return out


def lognormal_median(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.exp(np.log(median) + sigma * rng.standard_normal(n))


def group_key(*parts: tuple[np.ndarray, int]) -> np.ndarray:
    """Combine small non-negative integer columns (value, cardinality) into one int64 key."""
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    for values, size in parts:
        key = key * size + values.astype(np.int64)
    return key


def allocate_sequential(rng: np.random.Generator, group: np.ndarray, time: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Mark rows true with probability p, evenly spread over time within each group.

    Rows of a group are taken in time order and marked by systematic sampling on the running sum
    of p (random start per group): each row is marked with its own probability p overall, and any
    run of consecutive rows of a group (e.g. the tickets solved in a 3-day window) gets within one
    row of the sum of its p. So a clean scope never crosses a limit by chance, whatever its size,
    while a planted one (higher or lower p in the window) always does.
    """
    n = len(group)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    order = np.lexsort((rng.random(n), time, group))
    g, ps = group[order], p[order]
    new = np.r_[True, g[1:] != g[:-1]]
    gid = np.cumsum(new) - 1
    csum = np.cumsum(ps)
    running = csum - (csum - ps)[new][gid]
    offset = rng.random(int(new.sum()))[gid]
    out[order] = np.floor(running + offset) > np.floor(running - ps + offset)
    return out
