"""Generated rows kept compact until they are written, so a year at production volume fits in memory.

A `PackedFrame` holds one segment's frame with every integer column in the smallest integer type
that holds all its values (so unpacking gives back exactly the same numbers, in the original type)
and every null mask as bits (none when no value is null). A `TableStore` is one raw table's
segments in generation order; it reads like one concatenated frame (`store[name]`, `store.valid`,
`store.take`, `len`), which is what the run-wide steps (rated outcomes, plants, deliveries, bad
input) need, and takes their results back column by column (`update`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .frame import Frame

_INT_TYPES = (np.int8, np.int16, np.int32)
#: The sort key of a row without a `_loaded_at` (such rows are written last).
NO_LOAD = np.iinfo(np.int64).max


class Rows(Protocol):
    """What the run-wide steps read from a table: a Frame, or a TableStore of many."""

    table: str

    def __len__(self) -> int: ...

    def __getitem__(self, name: str) -> np.ndarray: ...

    def valid(self, name: str) -> np.ndarray: ...

    def take(self, idx: np.ndarray) -> Frame: ...


def compact_dtype(values: np.ndarray) -> np.dtype:
    """The smallest signed integer type holding every value of an integer array (else its own type)."""
    if values.dtype.kind != "i" or len(values) == 0:
        return values.dtype
    lo, hi = int(values.min()), int(values.max())
    for candidate in _INT_TYPES:
        info = np.iinfo(candidate)
        if info.min <= lo and hi <= info.max:
            return np.dtype(candidate)
    return values.dtype


@dataclass(frozen=True)
class PackedColumn:
    """A column in a compact type, its original type, and its null mask as bits (None: no nulls)."""

    values: np.ndarray
    dtype: np.dtype
    null_bits: np.ndarray | None

    @classmethod
    def pack(cls, values: np.ndarray, null: np.ndarray) -> PackedColumn:
        bits = np.packbits(null) if null.any() else None
        return cls(values.astype(compact_dtype(values)), values.dtype, bits)

    def unpack(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The values (a new array, in the original type), of every row or of `rows`."""
        picked = self.values if rows is None else self.values[rows]
        return picked.astype(self.dtype)

    def null(self, n: int, rows: np.ndarray | None = None) -> np.ndarray:
        """The null mask of the column's n rows, or of `rows` of them."""
        size = n if rows is None else len(rows)
        if self.null_bits is None:
            return np.zeros(size, dtype=bool)
        mask = np.unpackbits(self.null_bits, count=n).astype(bool)
        return mask if rows is None else mask[rows]


class PackedFrame:
    """One frame, packed (see the module docstring)."""

    def __init__(self, frame: Frame) -> None:
        self.table = frame.table
        self.n = len(frame)
        self.columns = {name: PackedColumn.pack(frame.data[name], frame.null[name]) for name in frame.data}

    def __len__(self) -> int:
        return self.n

    def values(self, name: str) -> np.ndarray:
        return self.columns[name].unpack()

    def null(self, name: str) -> np.ndarray:
        return self.columns[name].null(self.n)

    def frame(self, rows: np.ndarray | None = None, names: Iterable[str] | None = None) -> Frame:
        """The frame back (every column, or `names`), of every row or of the positions `rows`."""
        chosen = list(self.columns) if names is None else list(names)
        cols = {name: self.columns[name] for name in chosen}
        return Frame(
            self.table,
            {name: col.unpack(rows) for name, col in cols.items()},
            {name: col.null(self.n, rows) for name, col in cols.items()},
        )

    def packed(self, name: str) -> np.ndarray:
        """A column's values in their packed type (a new array)."""
        return self.columns[name].values.copy()

    def set_values(self, name: str, values: np.ndarray) -> None:
        """Replace a column's values, of its own kind (its type and null mask are kept)."""
        old = self.columns[name]
        if values.dtype.kind != old.dtype.kind:
            raise TypeError(f"{self.table}.{name}: {values.dtype} values for a {old.dtype} column")
        self.columns[name] = PackedColumn(values.astype(compact_dtype(values)), old.dtype, old.null_bits)

    def load_keys(self) -> np.ndarray:
        """Each row's `_loaded_at`, NO_LOAD where it is null (the order rows are written in)."""
        return np.where(self.null("_loaded_at"), NO_LOAD, self.values("_loaded_at"))


class TableStore:
    """One raw table's generated segments, in order; reads like their concatenation (a `Rows`)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.parts: list[PackedFrame] = []

    def append(self, frame: Frame) -> None:
        if frame.table != self.table:
            raise ValueError(f"{self.table}: cannot store rows of {frame.table}")
        self.parts.append(PackedFrame(frame))

    def __len__(self) -> int:
        return sum(p.n for p in self.parts)

    def offsets(self) -> np.ndarray:
        """Each part's first row position, then the row count."""
        return np.r_[0, np.cumsum([p.n for p in self.parts], dtype=np.int64)].astype(np.int64)

    def __getitem__(self, name: str) -> np.ndarray:
        return np.concatenate([p.values(name) for p in self.parts])

    def valid(self, name: str) -> np.ndarray:
        return ~np.concatenate([p.null(name) for p in self.parts])

    def columns(self, names: Sequence[str], packed: bool = False) -> Frame:
        """A frame of just these columns over every row (for the steps that change a few columns);
        `packed`: integer columns in their packed types (the same numbers, in less memory)."""
        read = (lambda n: np.concatenate([p.packed(n) for p in self.parts])) if packed else self.__getitem__
        return Frame(self.table, {n: read(n) for n in names}, {n: ~self.valid(n) for n in names})

    def update(self, frame: Frame, names: Sequence[str]) -> None:
        """Take back the values of `names` from a frame over every row (null masks are kept)."""
        if len(frame) != len(self):
            raise ValueError(f"{self.table}: {len(frame)} rows to update, {len(self)} stored")
        bounds = self.offsets()
        for name in names:
            values = frame.data[name]
            for part, lo, hi in zip(self.parts, bounds[:-1], bounds[1:], strict=True):
                part.set_values(name, values[lo:hi])

    def take(self, idx: np.ndarray) -> Frame:
        """The rows at positions `idx` (or where a boolean mask is true), every column, in that order."""
        idx = np.asarray(idx)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        idx = idx.astype(np.int64)
        bounds = self.offsets()
        order = np.argsort(idx, kind="stable")
        ordered = idx[order]
        cuts = np.searchsorted(ordered, bounds)  # ordered[cuts[p]:cuts[p + 1]] fall in part p
        pieces = [self.parts[0].frame(rows=idx[:0])]
        for p, part in enumerate(self.parts):
            if cuts[p + 1] > cuts[p]:
                pieces.append(part.frame(rows=ordered[cuts[p] : cuts[p + 1]] - bounds[p]))
        inverse = np.empty(len(order), dtype=np.int64)
        inverse[order] = np.arange(len(order))
        return Frame.concat(pieces).take(inverse)
