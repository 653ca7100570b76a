"""Write generated rows: DuckDB (schema raw), Parquet files, JSON manifest.

`write_generated` is the production path: it appends each load window's rows to the DuckDB file (and
to the Parquet files) as the run emits them, so the raw tables are never all in memory as pyarrow
tables. `write_duckdb` / `write_parquet` write a GenerationResult that is already in memory.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from copilot_governance.contract import COLUMNS, RAW_SCHEMA, TABLES

from .config import GeneratorConfig
from .core import WRITE_DAYS, GenerationResult, GenerationSummary, ProgressFn, Sink, prepare
from .frame import arrow_schema

#: DuckDB's memory limit while it writes (it spills to disk beyond it): keeps the run's peak bounded.
DUCKDB_MEMORY_LIMIT = "1GB"


def _select_list(table: str) -> str:
    return ", ".join(f'CAST("{c.name}" AS {c.duck_type}) AS "{c.name}"' for c in COLUMNS[table])


class DuckDBSink:
    """Replaces the three raw tables of a DuckDB file with the rows written to it.

    Use it as a context manager. Rows go to staging tables (`raw._generating_<table>`), committed a
    batch at a time (one transaction over a year of rows would hold them all in memory); when the
    block ends normally the staging tables replace the raw tables in one transaction, and when it
    raises they are dropped, leaving the file's earlier tables as they were.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.schema = f"{_quoted(_catalog(self.con))}.{RAW_SCHEMA}"
        try:
            self.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            for table in TABLES:
                empty = arrow_schema(table).empty_table()
                self._load(table, empty, f"CREATE OR REPLACE TABLE {self._staging(table)} AS")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self._drop_staging()
            self.con.close()
            raise

    def _load(self, table: str, rows: pa.Table, statement: str) -> None:
        view = f"_arrow_{table}"
        self.con.register(view, rows)
        try:
            self.con.execute(f"{statement} SELECT {_select_list(table)} FROM {view}")
        finally:
            self.con.unregister(view)

    def write(self, table: str, rows: pa.Table) -> None:
        self._load(table, rows, f"INSERT INTO {self._staging(table)}")

    def _publish(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in TABLES:
                self.con.execute(f"DROP TABLE IF EXISTS {self.schema}.{table}")
                self.con.execute(f"ALTER TABLE {self._staging(table)} RENAME TO {table}")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _staging(self, table: str) -> str:
        return f"{self.schema}._generating_{table}"

    def _drop_staging(self) -> None:
        for table in TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {self._staging(table)}")

    def __enter__(self) -> DuckDBSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                self._publish()
            else:
                self._drop_staging()
        finally:
            self.con.close()


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    """The file's catalog name: tables are qualified with it, as a file named raw.duckdb has a catalog "raw" too."""
    row = con.execute("SELECT current_database()").fetchone()
    if row is None:
        raise RuntimeError("DuckDB reported no current database")
    return str(row[0])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ParquetSink:
    """One Parquet file per raw table (`<table>.parquet`), appended to as rows are written."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.paths = [self.directory / f"{table}.parquet" for table in TABLES]
        self.writers = {t: pq.ParquetWriter(p, arrow_schema(t)) for t, p in zip(TABLES, self.paths, strict=True)}

    def write(self, table: str, rows: pa.Table) -> None:
        self.writers[table].write_table(rows)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


class TeeSink:
    """Writes every batch to each of several sinks."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = list(sinks)

    def write(self, table: str, rows: pa.Table) -> None:
        for sink in self.sinks:
            sink.write(table, rows)


def write_generated(
    config: GeneratorConfig,
    db_path: str | Path,
    parquet_dir: str | Path | None = None,
    progress: ProgressFn | None = None,
    write_days: int = WRITE_DAYS,
) -> GenerationSummary:
    """Generate a run and write its raw tables to the DuckDB file (and Parquet files) a load window at a time.

    The rows are those of `generate(config)`, in the same order. Nothing is written when the
    simulation fails; a failure while writing leaves the file's earlier tables.
    """
    prepared = prepare(config, progress)
    parquet = ParquetSink(parquet_dir) if parquet_dir is not None else None
    try:
        with DuckDBSink(db_path) as duck:
            prepared.emit(TeeSink([duck] if parquet is None else [duck, parquet]), progress, write_days)
    finally:
        if parquet is not None:
            parquet.close()
    return GenerationSummary(config, prepared.manifest, prepared.timings)


def write_duckdb(result: GenerationResult, path: str | Path) -> Path:
    """Create schema raw in the DuckDB file and replace the three raw tables, in one transaction."""
    with DuckDBSink(path) as sink:
        for table in TABLES:
            sink.write(table, result.tables[table])
    return sink.path


def write_parquet(result: GenerationResult, directory: str | Path) -> list[Path]:
    """One Parquet file per raw table (`<table>.parquet`)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in TABLES:
        path = directory / f"{table}.parquet"
        pq.write_table(result.tables[table], path)
        paths.append(path)
    return paths


def default_manifest_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.manifest.json")


def write_manifest(result: GenerationResult | GenerationSummary, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.manifest, indent=2) + "\n")
    return path
