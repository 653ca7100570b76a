"""Validate loaded raw tables against the raw source contract with Great Expectations.

Column names, order and types are compared with DuckDB's catalogue; the row rules (non-null
columns, enums, ranges, solved_at >= created_at, no timestamp more than a day after `_loaded_at`)
run as Great Expectations expectations on a pandas batch (ephemeral context, no telemetry, no
progress bars), over all rows or a repeatable sample.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from copilot_governance.contract import (
    COLUMNS,
    FUTURE_CHECKED,
    RAW_SCHEMA,
    TABLES,
    TICKETS,
    column_names,
)

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
#: Derived columns added to the batch for the "not in the future of the load" rules.
HORIZON = "_load_horizon"  # _loaded_at + 1 day


@dataclass
class TableValidation:
    table: str
    rows_checked: int
    evaluated: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures


def expectations(table: str) -> list[Any]:
    """The Great Expectations expectations of a raw table's row rules."""
    import great_expectations as gx

    ex = gx.expectations
    out: list[Any] = []
    for col in COLUMNS[table]:
        if not col.nullable:
            out.append(ex.ExpectColumnValuesToNotBeNull(column=col.name))
        if col.allowed is not None:
            out.append(ex.ExpectColumnValuesToBeInSet(column=col.name, value_set=list(col.allowed)))
        if col.min_value is not None:
            out.append(
                ex.ExpectColumnValuesToBeBetween(column=col.name, min_value=col.min_value, max_value=col.max_value)
            )
    if table == TICKETS:
        out.append(
            ex.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="solved_at",
                column_B="created_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    for ts in FUTURE_CHECKED[table]:
        out.append(
            ex.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=HORIZON,
                column_B=ts,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return out


def _describe(result: Any) -> str:
    cfg = result.expectation_config
    kwargs = {k: v for k, v in cfg.kwargs.items() if k in ("column", "column_A", "column_B")}
    where = ", ".join(f"{v}" for v in kwargs.values())
    unexpected = result.result.get("unexpected_count")
    extra = f": {unexpected} unexpected rows" if unexpected is not None else ""
    return f"{cfg.type}({where}){extra}"


def _schema_failures(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [RAW_SCHEMA, table],
    ).fetchall()
    expected = [(c.name, c.duck_type) for c in COLUMNS[table]]
    if [tuple(r) for r in rows] == expected:
        return []
    return [f"columns and types differ from the contract: expected {expected}, found {rows}"]


def _gx_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def validate_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    sample_rows: int | None = None,
    context: Any = None,
) -> TableValidation:
    """Validate raw.<table>: its columns and types, then the row rules on (a sample of) its rows."""
    import great_expectations as gx

    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [RAW_SCHEMA, table],
    ).fetchone()
    if not exists or exists[0] == 0:
        return TableValidation(table, 0, 1, [f"table {RAW_SCHEMA}.{table} does not exist"])
    failures = _schema_failures(con, table)
    if failures:
        return TableValidation(table, 0, 1, failures)
    sample = f" USING SAMPLE reservoir({int(sample_rows)} ROWS) REPEATABLE (42)" if sample_rows else ""
    cols = ", ".join(f'"{c}"' for c in column_names(table))
    df = con.execute(
        f'SELECT {cols}, "_loaded_at" + INTERVAL 1 DAY AS {HORIZON} FROM {RAW_SCHEMA}.{table}{sample}'
    ).df()
    context = context or _gx_context()
    source = context.data_sources.add_or_update_pandas(f"raw_{table}")
    batch_def = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
    batch = batch_def.get_batch(batch_parameters={"dataframe": df})
    suite = gx.ExpectationSuite(name=f"{table}_contract")
    for expectation in expectations(table):
        suite.add_expectation(expectation)
    result = batch.validate(suite)
    failures = [_describe(r) for r in result.results if not r.success]
    return TableValidation(table, len(df), len(result.results) + 1, failures)


def validate_database(path: str | Path, sample_rows: int | None = None) -> list[TableValidation]:
    """Validate the three raw tables of a DuckDB file."""
    context = _gx_context()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [validate_table(con, t, sample_rows, context) for t in TABLES]
    finally:
        con.close()
