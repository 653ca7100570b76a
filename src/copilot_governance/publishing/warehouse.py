"""The published warehouse (issue 12): the marts and the audit relations, copied after each build into a
separate serving DuckDB file that replaces the previous one atomically.

BI tools open the serving file read-only. While tonight's build writes the build file, they keep
reading yesterday's snapshot, and they never hold a lock the build needs: the copy is written to a new
file next to the serving one and renamed over it (`os.replace`, atomic on POSIX file systems). A reader
that still has the old file open goes on reading the old snapshot until it reconnects.

On Snowflake there is nothing to copy: readers get their own role (var `analyst_role`), which is
granted select on the marts schema, and Snowflake's snapshot isolation keeps them from blocking the
build or seeing a half-built table.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

#: The schemas BI readers and operators read: the marts, and the audit relations (quarantine,
#: reconciliation, unmapped values, stored test failures).
PUBLISHED_SCHEMAS = ("marts", "audit")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


class PublishError(Exception):
    """The serving file could not be written; the previous one is left as it was."""


@dataclass(frozen=True)
class Publication:
    serving_path: Path
    relations: int
    rows: int
    published_at: datetime


def serving_path_for(build_path: Path) -> Path:
    """The default serving file of a build file: `data/pilot.duckdb` -> `data/pilot.serving.duckdb`
    (env PILOT_SERVING_DUCKDB_PATH overrides it)."""
    configured = os.environ.get("PILOT_SERVING_DUCKDB_PATH")
    if configured:
        return Path(configured).expanduser().absolute()
    return build_path.with_name(f"{build_path.stem}.serving{build_path.suffix or '.duckdb'}")


def _quoted(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise PublishError(f"refusing to publish relation {name!r}: not a plain identifier")
    return f'"{name}"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(
    build_path: Path,
    serving_path: Path,
    *,
    as_of_date: str | None = None,
    build_status: str = "success",
    gate_fired: bool = False,
) -> Publication:
    """Copy every table and view of PUBLISHED_SCHEMAS from build_path into a new file, add the
    publication's record (`serving.publication`), then rename it over serving_path."""
    if not build_path.is_file():
        raise PublishError(f"the build file {build_path} does not exist; nothing to publish")
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    partial = serving_path.with_name(f".{serving_path.name}.{os.getpid()}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    published_at = datetime.now(UTC).replace(tzinfo=None)
    relations = rows = 0
    try:
        con = duckdb.connect(str(partial))
        try:
            # every name catalog-qualified: the file's own catalog is named after the file, and a
            # serving file called serving.duckdb would make `serving.publication` ambiguous
            here = '"' + con.execute("select current_database()").fetchone()[0].replace('"', '""') + '"'
            con.execute(f"attach {_literal(str(build_path))} as build (read_only)")
            found = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = 'build' and table_schema in (select unnest(?)) "
                "order by table_schema, table_name",
                [list(PUBLISHED_SCHEMAS)],
            ).fetchall()
            if not any(schema == "marts" for schema, _ in found):
                raise PublishError(f"{build_path} has no marts yet (schema marts is empty); run the build first")
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f"create schema if not exists {here}.{_quoted(schema)}")
            for schema, table in found:
                name = f"{_quoted(schema)}.{_quoted(table)}"
                con.execute(f"create table {here}.{name} as select * from build.{name}")
                rows += con.execute(f"select count(*) from {here}.{name}").fetchone()[0]
                relations += 1
            con.execute(f"create schema {here}.serving")
            con.execute(
                f"create table {here}.serving.publication as select ?::timestamp as published_at,"
                " ?::date as as_of_date,"
                " ? as source_database, ? as build_status, ? as is_gate_fired, ? as relations, ? as total_rows",
                [published_at, as_of_date, str(build_path), build_status, gate_fired, relations, rows],
            )
            con.execute("detach build")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(partial, serving_path)
    except (duckdb.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise PublishError(f"publishing {build_path} to {serving_path} failed: {exc}") from exc
    except PublishError:
        partial.unlink(missing_ok=True)
        raise
    return Publication(serving_path, relations, rows, published_at)
