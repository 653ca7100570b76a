"""Write a GenerationResult: DuckDB (schema raw), Parquet files, JSON manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from copilot_governance.contract import COLUMNS, RAW_SCHEMA, TABLES

from .core import GenerationResult


def _select_list(table: str) -> str:
    return ", ".join(f'CAST("{c.name}" AS {c.duck_type}) AS "{c.name}"' for c in COLUMNS[table])


def write_duckdb(result: GenerationResult, path: str | Path) -> Path:
    """Create schema raw in the DuckDB file and replace the three raw tables, in one transaction."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
        for table in TABLES:
            view = f"_arrow_{table}"
            con.register(view, result.tables[table])
            con.execute(f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{table} AS SELECT {_select_list(table)} FROM {view}")
            con.unregister(view)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return path


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


def write_manifest(result: GenerationResult, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.manifest, indent=2) + "\n")
    return path
