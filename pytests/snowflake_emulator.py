"""Run the project through the real dbt-snowflake adapter against fakesnow, in-process.

fakesnow (a Snowflake emulator built on DuckDB) patches `snowflake.connector.connect`, so the
unmodified dbt-snowflake adapter talks to it. The run is in-process (`fakesnow.patch()` around
dbt's programmatic runner `dbtRunner`): no server, no network. The Snowflake connector retries a
failed request without end, so callers run this module in a subprocess with a timeout
(see `run_stage`): a hang then fails the caller instead of blocking it.

Emulated databases persist as DuckDB files in `--state-dir`, so each stage (load the raw tables,
`dbt seed`, `dbt build`, export the marts) is its own process working on the same warehouse.

    python -m pytests.snowflake_emulator --state-dir DIR load-raw --duckdb FILE
    python -m pytests.snowflake_emulator --state-dir DIR dbt build [dbt args...]
    python -m pytests.snowflake_emulator --state-dir DIR export --manifest M --out DIR

Environment: PILOT_FAKESNOW_DATABASE (the emulated target database, default PILOT),
PILOT_RAW_DATABASE / PILOT_RAW_SCHEMA (where the raw tables go; default that database, RAW).
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles

RAW_TABLES = ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")
DEFAULT_DATABASE = "PILOT"
DEFAULT_RAW_SCHEMA = "RAW"

# DuckDB column types of the raw tables -> the Snowflake types a loader would create.
SNOWFLAKE_TYPES = {
    "VARCHAR": "varchar",
    "TIMESTAMP": "timestamp_ntz",
    "BOOLEAN": "boolean",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "double",
    "FLOAT": "double",
    "DATE": "date",
}


def target_database() -> str:
    return os.environ.get("PILOT_FAKESNOW_DATABASE") or DEFAULT_DATABASE


def raw_location() -> tuple[str, str]:
    database = os.environ.get("PILOT_RAW_DATABASE") or target_database()
    schema = os.environ.get("PILOT_RAW_SCHEMA") or DEFAULT_RAW_SCHEMA
    return database.upper(), schema.upper()


def _connect(database: str | None = None):  # the caller holds fakesnow.patch()
    import snowflake.connector

    return snowflake.connector.connect(
        account="fakesnow", user="fake", password="snow", database=database or target_database()
    )


def attach_databases(state_dir: Path) -> None:
    """Attach every emulated database saved in `state_dir` (fakesnow attaches a database file
    only when a connection names it; the raw tables may live in another database than dbt's)."""
    for db_file in sorted(state_dir.glob("*.db")):
        _connect(db_file.stem).close()


def load_raw(duckdb_file: Path) -> dict[str, int]:
    """Copy the raw tables of a DuckDB file (schema raw) into the emulator's raw schema.

    Tables are created with the contract's column types and filled with the connector's
    `write_pandas`, the way a Python loader writes to Snowflake. Returns rows per table.
    """
    import duckdb
    from snowflake.connector.pandas_tools import write_pandas

    database, schema = raw_location()
    source = duckdb.connect(str(duckdb_file), read_only=True)
    conn = _connect()
    counts: dict[str, int] = {}
    try:
        cur = conn.cursor()
        cur.execute(f"create database if not exists {database}")
        cur.execute(f"create schema if not exists {database}.{schema}")
        for table in RAW_TABLES:
            columns = source.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            if not columns:
                raise SystemExit(f"{duckdb_file}: table raw.{table} not found")
            ddl = ", ".join(f"{name} {SNOWFLAKE_TYPES[kind.upper()]}" for name, kind in columns)
            cur.execute(f"create or replace table {database}.{schema}.{table.upper()} ({ddl})")
            frame = source.execute(f"select * from raw.{table}").df()
            frame.columns = [c.upper() for c in frame.columns]
            ok, _, rows, _ = write_pandas(conn, frame, table.upper(), database=database, schema=schema)
            if not ok:
                raise SystemExit(f"write_pandas failed for {table}")
            counts[table] = rows
    finally:
        conn.close()
        source.close()
    return counts


def fix_fakesnow_trim() -> None:
    """fakesnow 0.12.1 bug: its TRIM transform (implicit cast to varchar) rebuilds TRIM/LTRIM/RTRIM
    without their characters and side, so `rtrim(x, ',')` trims spaces from both ends. Snowflake
    trims the given characters. Patched here, in the emulator, so the project's SQL stays as it is
    for Snowflake."""
    import fakesnow.transforms as transforms
    from sqlglot import exp

    def trim_cast_varchar(expression: exp.Expr) -> exp.Expr:
        if not isinstance(expression, exp.Trim):
            return expression
        operand = expression.this
        text_types = (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT)
        if isinstance(operand, exp.Cast) and operand.to.this in text_types:
            return expression
        expression.set("this", exp.Cast(this=operand, to=exp.DataType.build("varchar")))
        return expression

    transforms.trim_cast_varchar = trim_cast_varchar


def run_dbt(args: list[str]) -> int:
    """`dbt <args> --target fakesnow` in this process; returns 0 when dbt succeeded."""
    from dbt.cli.main import dbtRunner

    os.chdir(PROJECT_ROOT)
    result = dbtRunner().invoke([*args, "--target", "fakesnow"])
    if result.exception is not None:
        print(f"dbt raised: {result.exception!r}", file=sys.stderr)
    return 0 if result.success else 1


def public_relations(manifest_path: Path) -> list[tuple[str, str, str]]:
    """(name, database, schema) of every public mart in a dbt manifest.

    Public = every model of the project in the marts or audit schemas, or with an enforced
    contract; so the marts that other work adds are covered without naming them here.
    """
    manifest = json.loads(manifest_path.read_text())
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"].get("materialized") == "ephemeral":
            continue
        enforced = (node["config"].get("contract") or {}).get("enforced", False)
        if node["schema"].lower() in ("marts", "audit") or enforced:
            found.append((node["alias"] or node["name"], node["database"], node["schema"]))
    return sorted(found)


def normalize(value: object) -> object:
    """A value as JSON for comparison across engines: numbers as float, dates as ISO text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_relations(manifest_path: Path, out_dir: Path) -> list[str]:
    """Write each public mart as `<name>.json` ({columns, rows}) under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = _connect()
    names = []
    try:
        cur = conn.cursor()
        for name, database, schema in public_relations(manifest_path):
            cur.execute(f"select * from {database}.{schema}.{name}")
            rows = [[normalize(v) for v in row] for row in cur.fetchall()]
            columns = [d[0].lower() for d in cur.description]
            (out_dir / f"{name}.json").write_text(json.dumps({"columns": columns, "rows": rows}))
            names.append(name)
    finally:
        conn.close()
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytests.snowflake_emulator")
    parser.add_argument("--state-dir", required=True, type=Path, help="fakesnow database files")
    sub = parser.add_subparsers(dest="stage", required=True)
    load = sub.add_parser("load-raw", help="copy raw tables from a DuckDB file")
    load.add_argument("--duckdb", required=True, type=Path)
    dbt = sub.add_parser("dbt", help="run dbt with the fakesnow target")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    export = sub.add_parser("export", help="write the public marts as JSON")
    export.add_argument("--manifest", required=True, type=Path)
    export.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)

    import fakesnow

    fix_fakesnow_trim()
    args.state_dir.mkdir(parents=True, exist_ok=True)
    with fakesnow.patch(db_path=str(args.state_dir)):
        attach_databases(args.state_dir)
        if args.stage == "load-raw":
            print(json.dumps(load_raw(args.duckdb)))
            return 0
        if args.stage == "dbt":
            return run_dbt(args.dbt_args)
        print(json.dumps(export_relations(args.manifest, args.out)))
        return 0


@dataclass(frozen=True)
class StageResult:
    returncode: int
    output: str


def run_stage(
    state_dir: Path,
    stage_args: list[str],
    work_dir: Path,
    timeout: int,
    extra_env: dict[str, str] | None = None,
) -> StageResult:
    """Run one stage of this module in a subprocess; a hang past `timeout` seconds is a failure."""
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PILOT_DBT_TARGET": "fakesnow",
        "PYTHONWARNINGS": "ignore",
        **(extra_env or {}),
    }
    ensure_profiles(PROJECT_ROOT)
    cmd = [sys.executable, "-m", "pytests.snowflake_emulator", "--state-dir", str(state_dir)]
    try:
        proc = subprocess.run(
            [*cmd, *stage_args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return StageResult(-1, f"timed out after {timeout}s (connector retry loop?)\n{out}")
    return StageResult(proc.returncode, proc.stdout + proc.stderr)


if __name__ == "__main__":
    sys.exit(main())
