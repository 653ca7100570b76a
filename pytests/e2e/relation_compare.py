"""Compare the public relations of two DuckDB warehouses built by the project (issue 10's proof
that an incremental night equals a full rebuild).

Exact for integers, text, dates, timestamps and booleans; doubles within a relative 1e-9 (their
summation order may differ between an incremental and a full build), and within 1e-12 absolute for
a double that is itself rounding noise around 0 (the difference of two equal means, e.g. the PSI
view's mean_drift: 1.1e-16 one way, 2.2e-16 the other). The relations compared are all the
project's public models (the manifest's access public). The history relations (rollback_runs and
what derives from it) are compared too: both warehouses start the night from the same snapshot, so
the same history before it; only the columns that name the run itself (its invocation id, its start
time) differ by construction and are not compared.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb

#: Columns that name the run, not the data: dbt's invocation id and the run's start time.
RUN_COLUMNS = {
    "rollback_runs": ("run_id", "evaluated_at"),
    "rollback_history": ("run_id", "evaluated_at"),
    "rollback_calendar": ("latest_run_id", "latest_evaluated_at"),
    "rollback_status": ("run_id",),
}
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12


def public_relations(manifest_path: Path) -> list[tuple[str, str]]:
    """(schema, relation name) of every public model of the project."""
    manifest = json.loads(manifest_path.read_text())
    relations = {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["package_name"] == "copilot_governance"
        and node.get("access") == "public"
        and node["config"].get("enabled", True)
    }
    return sorted(relations)


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return left == right


def _rows(con: duckdb.DuckDBPyConnection, relation: str, skipped: tuple[str, ...]) -> tuple[list[str], list[tuple]]:
    columns = f"* exclude ({', '.join(skipped)})" if skipped else "*"
    cursor = con.execute(f"select {columns} from {relation}")
    names = [d[0] for d in cursor.description]
    # Sorted on every column, doubles rounded to 12 significant digits for the order only, so two
    # rows that differ in the last bits of a double still meet at the same place.
    rows = cursor.fetchall()
    rows.sort(key=lambda row: tuple(_sort_key(value) for value in row))
    return names, rows


def _sort_key(value: object) -> tuple:
    if value is None:
        return (0, "")
    if isinstance(value, float):
        return (1, float(f"{value:.12g}"))
    if isinstance(value, bool | int):
        return (1, float(value))
    return (2, str(value))


def differences(incremental_db: Path, full_db: Path, relations: list[tuple[str, str]]) -> list[str]:
    """One line per relation that differs (its name, the counts, the first differing row), empty
    when every relation is equal."""
    found: list[str] = []
    with duckdb.connect(str(incremental_db), read_only=True) as left_con:
        left_con.execute(f"attach '{full_db}' as full_build (read_only)")
        for schema, name in relations:
            skipped = RUN_COLUMNS.get(name, ())
            left_names, left = _rows(left_con, f'"{schema}"."{name}"', skipped)
            right_names, right = _rows(left_con, f'full_build."{schema}"."{name}"', skipped)
            if left_names != right_names:
                found.append(f"{schema}.{name}: columns {left_names} != {right_names}")
                continue
            if len(left) != len(right):
                found.append(f"{schema}.{name}: {len(left)} rows incremental, {len(right)} full")
                continue
            for left_row, right_row in zip(left, right, strict=True):
                if not all(_same(a, b) for a, b in zip(left_row, right_row, strict=True)):
                    found.append(f"{schema}.{name}: incremental {left_row} != full {right_row}")
                    break
    return found
