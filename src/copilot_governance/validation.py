"""Validate the loaded raw tables against the raw source contract with the project's GX checkpoints.

Per raw table: a schema pre-check (the table exists and has every contract column with a compatible
type; a broken load names the table, the column, the type expected and the type found), then the
table's checkpoint (`<target>_<table>` in gx/checkpoints/) runs the table's suite in the database:
every expectation is an aggregate or a filtered count computed by DuckDB or Snowflake, and a
failure keeps only its count and a few sample values (result format BASIC). Each checkpoint
updates the Data Docs (gx/uncommitted/data_docs/local_site/).

Targets: `duckdb` (a DuckDB file, opened read-only, never created) and `snowflake` (the raw
tables of the profile's Snowflake account: the env vars of profiles.yml, PILOT_RAW_DATABASE /
PILOT_RAW_SCHEMA for where they are).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copilot_governance import contract as c
from copilot_governance import gx_project as gp
from copilot_governance.paths import database_path

#: Contract type -> the warehouse types that hold it (DuckDB's and Snowflake's names). NUMBER,
#: DECIMAL and NUMERIC hold an INTEGER column only with scale 0.
COMPATIBLE_TYPES: dict[str, frozenset[str]] = {
    "VARCHAR": frozenset({"VARCHAR", "TEXT", "STRING", "CHAR", "CHARACTER", "CHARACTER VARYING", "NVARCHAR", "BPCHAR"}),
    "TIMESTAMP": frozenset(
        {
            "TIMESTAMP",
            "TIMESTAMP_NTZ",
            "DATETIME",
            "TIMESTAMP WITHOUT TIME ZONE",
            "TIMESTAMP_S",
            "TIMESTAMP_MS",
            "TIMESTAMP_NS",
            "TIMESTAMP_US",
        }
    ),
    "BOOLEAN": frozenset({"BOOLEAN", "BOOL"}),
    "INTEGER": frozenset(
        {
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "INT",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
            "BYTEINT",
            "INT2",
            "INT4",
            "INT8",
        }
    ),
    "DOUBLE": frozenset({"DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8", "FLOAT64", "DOUBLE PRECISION"}),
}
_DECIMALS = frozenset({"NUMBER", "DECIMAL", "NUMERIC"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,254}$")


class ValidationSetupError(Exception):
    """The run cannot start: a bad argument, a missing file or variable, no connection (exit 2)."""


@dataclass(frozen=True)
class Failure:
    """One failing expectation: its table, column ('' for a table-level one), what it expects
    (in words), how many rows broke it (None when it could not be computed) and the rule code."""

    table: str
    column: str
    expectation: str
    unexpected_rows: int | None
    rule: str
    expectation_type: str
    detail: str = ""

    def line(self) -> str:
        if self.detail:
            count = self.detail
        elif self.unexpected_rows is None:
            count = "unexpected rows not counted"
        else:
            count = f"{self.unexpected_rows:,} unexpected row{'s' if self.unexpected_rows != 1 else ''}"
        return f"raw.{self.table} | {self.column or '-'} | {self.expectation} | {count}"


@dataclass
class TableValidation:
    table: str
    rows_checked: int | None = None
    evaluated: int = 0
    schema_problems: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.schema_problems and not self.failed

    @property
    def failures(self) -> list[str]:
        """Every problem as one printable line (schema problems first)."""
        return [*self.schema_problems, *(f.line() for f in self.failed)]


@dataclass
class ValidationRun:
    target: str
    location: str
    reference_time: datetime
    tables: list[TableValidation]
    data_docs: Path | None

    @property
    def success(self) -> bool:
        return all(t.success for t in self.tables)


# --- connections ----------------------------------------------------------------------------------


def resolve_db_path(db: str | Path | None) -> Path:
    """The DuckDB file to validate: a given path against the current directory, the default
    (data/pilot.duckdb) against the project root. Raises ValidationSetupError when it is not a file
    (it is never created)."""
    path = database_path(db)
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise ValidationSetupError(f"DuckDB database {path} {what} (it is never created by validate)")
    return path


def snowflake_location(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(database, schema) of the raw tables on Snowflake: PILOT_RAW_DATABASE or SNOWFLAKE_DATABASE,
    PILOT_RAW_SCHEMA or raw (as the dbt sources)."""
    env = os.environ if env is None else env
    database = env.get("PILOT_RAW_DATABASE") or env.get("SNOWFLAKE_DATABASE") or ""
    schema = env.get("PILOT_RAW_SCHEMA") or c.RAW_SCHEMA
    return database, schema


def snowflake_url(env: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL of the raw schema on Snowflake, from the env vars profiles.yml reads.

    Key-pair authentication when SNOWFLAKE_PRIVATE_KEY_PATH is set (passphrase:
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE), else SNOWFLAKE_PASSWORD. Raises ValidationSetupError naming
    what is missing or malformed."""
    with warnings.catch_warnings():  # the connector's vendored requests warns about urllib3's version
        warnings.simplefilter("ignore")
        from snowflake.sqlalchemy import URL

    env = os.environ if env is None else env
    required = ("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_ROLE", "SNOWFLAKE_WAREHOUSE")
    missing = [name for name in required if not env.get(name)]
    database, schema = snowflake_location(env)
    if not database:
        missing.append("SNOWFLAKE_DATABASE (or PILOT_RAW_DATABASE)")
    key_path = env.get("SNOWFLAKE_PRIVATE_KEY_PATH") or ""
    password = env.get("SNOWFLAKE_PASSWORD") or ""
    if not key_path and not password:
        missing.append("SNOWFLAKE_PRIVATE_KEY_PATH or SNOWFLAKE_PASSWORD")
    if missing:
        raise ValidationSetupError(f"--target snowflake needs the environment variables {', '.join(missing)}")
    for name, value in (("raw database", database), ("raw schema", schema)):
        if not _IDENTIFIER.match(value):
            raise ValidationSetupError(f"the {name} {value!r} is not a Snowflake identifier")
    params: dict[str, str] = {
        "account": env["SNOWFLAKE_ACCOUNT"],
        "user": env["SNOWFLAKE_USER"],
        "database": database,
        "schema": schema,
        "warehouse": env["SNOWFLAKE_WAREHOUSE"],
        "role": env["SNOWFLAKE_ROLE"],
    }
    if key_path:
        if not Path(key_path).expanduser().is_file():
            raise ValidationSetupError(f"SNOWFLAKE_PRIVATE_KEY_PATH {key_path} is not a file")
        params["private_key_file"] = str(Path(key_path).expanduser())
        if env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"):
            params["private_key_file_pwd"] = env["SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"]
    else:
        params["password"] = password
    return str(URL(**params))


def _connect_env(target: str, db: str | Path | None) -> tuple[dict[str, str], str, str]:
    """(env vars the datasource reads, where the raw tables are, their schema)."""
    from copilot_governance.gx_duckdb import url_path

    if target == gp.DUCKDB:
        path = resolve_db_path(db)
        return {gp.DUCKDB_PATH_VAR: url_path(str(path))}, str(path), c.RAW_SCHEMA
    if target == gp.SNOWFLAKE:
        if db is not None:
            raise ValidationSetupError("--db is for --target duckdb (Snowflake reads the profile's env vars)")
        database, schema = snowflake_location()
        url = snowflake_url()
        return {gp.SNOWFLAKE_URL_VAR: url}, f"snowflake {database}.{schema}", schema
    raise ValidationSetupError(f"unknown target {target!r}; expected one of {', '.join(gp.TARGETS)}")


# --- schema pre-check -----------------------------------------------------------------------------


def type_compatible(expected: str, found: str, scale: int | None = None) -> bool:
    """Whether a warehouse column type holds a contract type (e.g. BIGINT or NUMBER(38,0) for INTEGER)."""
    base = re.sub(r"\s*\(.*\)\s*$", "", found.strip().upper())
    if base in _DECIMALS:
        if scale is None:
            match = re.search(r",\s*(\d+)\s*\)", found)
            scale = int(match.group(1)) if match else 0
        return expected == "DOUBLE" or (expected == "INTEGER" and scale == 0)
    return base in COMPATIBLE_TYPES[expected]


def _found_type(data_type: str, precision: Any, scale: Any) -> str:
    text = str(data_type).upper()
    if text in _DECIMALS and precision is not None:
        return f"{text}({precision},{scale or 0})"
    return text


def schema_problems(connection: Any, schema: str, table: str) -> list[str]:
    """The table's problems against the contract's columns and types ([] when it conforms)."""
    import sqlalchemy as sa

    rows = connection.execute(
        sa.text(
            "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE lower(table_schema) = :schema AND lower(table_name) = :table"
        ),
        {"schema": schema.lower(), "table": table.lower()},
    ).fetchall()
    if not rows:
        return [f"raw.{table}: table {schema}.{table} does not exist"]
    found = {str(name).lower(): (str(kind), precision, scale) for name, kind, precision, scale in rows}
    problems = []
    for col in c.COLUMNS[table]:
        if col.name not in found:
            problems.append(f"raw.{table}.{col.name}: column missing (expected type {col.duck_type}, found none)")
            continue
        kind, precision, scale = found[col.name]
        scale_value = int(scale) if scale is not None else None
        if not type_compatible(col.duck_type, kind, scale_value):
            shown = _found_type(kind, precision, scale)
            problems.append(f"raw.{table}.{col.name}: wrong type (expected {col.duck_type}, found {shown})")
    return problems


# --- results --------------------------------------------------------------------------------------


def _failure(table: str, result: Any) -> Failure:
    config = result.expectation_config
    meta = config.meta or {}
    column = meta.get("column") or config.kwargs.get("column") or ""
    words = getattr(config, "description", None) or config.type
    info = result.result or {}
    detail = ""
    if result.exception_info and result.exception_info.get("raised_exception") is not False:
        messages = _exception_messages(result.exception_info)
        if messages:
            detail = f"error: {messages[0]}"
    count = info.get("unexpected_count")
    if count is None and config.type == "unexpected_rows_expectation":
        count = info.get("observed_value")
    if config.type == "expect_table_columns_to_match_set" and not detail:
        missing = (info.get("details") or {}).get("mismatched", {}).get("missing") or []
        detail = f"missing columns: {', '.join(missing)}" if missing else ""
    return Failure(
        table=table,
        column=column,
        expectation=words,
        unexpected_rows=int(count) if isinstance(count, int | float) else None,
        rule=str(meta.get("rule", "")),
        expectation_type=config.type,
        detail=detail,
    )


def _exception_messages(info: Mapping[str, Any]) -> list[str]:
    if "exception_message" in info:
        message = info.get("exception_message")
        return [str(message)] if message else []
    out: list[str] = []
    for value in info.values():
        if isinstance(value, Mapping):
            out.extend(_exception_messages(value))
    return out


def _rows_checked(results: list[Any]) -> int | None:
    for result in results:
        count = (result.result or {}).get("element_count")
        if isinstance(count, int):
            return count
    return None


# --- runs -----------------------------------------------------------------------------------------


def parse_reference_time(text: str | None) -> datetime:
    """A reference time as naive UTC: ISO 8601 or `YYYY-MM-DD HH:MM:SS` (UTC unless an offset is
    given); None = now. Raises ValidationSetupError for anything else."""
    if text is None:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationSetupError(
            f"invalid reference time {text!r}; expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601"
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def validate(
    target: str = gp.DUCKDB,
    db: str | Path | None = None,
    reference_time: datetime | None = None,
    gx_dir: Path | None = None,
) -> ValidationRun:
    """Run the schema pre-check and the checkpoint of each raw table on a target.

    Raises ValidationSetupError when the run cannot start (missing file, variables, project)."""
    from copilot_governance.gx_duckdb import close_connections, register

    register()
    reference = reference_time or parse_reference_time(None)
    env, location, schema = _connect_env(target, db)
    gx_dir = gx_dir or gp.default_gx_dir()
    try:
        context = gp.load_context(gx_dir)
    except gp.ProjectError as exc:
        raise ValidationSetupError(str(exc)) from None
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    datasource = None
    try:
        with gp.quiet_gx():
            try:
                datasource = context.data_sources.get(target)
                engine = datasource.get_engine()
                with engine.connect() as connection:
                    problems = {table: schema_problems(connection, schema, table) for table in c.TABLES}
            except ValidationSetupError:
                raise
            except Exception as exc:
                raise ValidationSetupError(f"cannot read {location}: {_short(exc)}") from None
            tables = []
            for table in c.TABLES:
                if problems[table]:
                    tables.append(TableValidation(table, evaluated=1, schema_problems=problems[table]))
                    continue
                name = gp.checkpoint_name(target, table)
                try:
                    result = context.checkpoints.get(name).run(
                        expectation_parameters={gp.REFERENCE_TIME: reference.isoformat(sep=" ")}
                    )
                except Exception as exc:
                    raise ValidationSetupError(f"checkpoint {name} could not run: {_short(exc)}") from None
                # in the suite's (the contract's) order
                order = {e.id: i for i, e in enumerate(context.suites.get(table).expectations)}
                results = sorted(
                    (r for run in result.run_results.values() for r in run.results),
                    key=lambda r: order.get(r.expectation_config.id, len(order)),
                )
                tables.append(
                    TableValidation(
                        table,
                        rows_checked=_rows_checked(results),
                        evaluated=len(results) + 1,
                        failed=[_failure(table, r) for r in results if not r.success],
                    )
                )
    finally:
        if datasource is not None:
            datasource.get_engine().dispose()
        close_connections()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    docs = gx_dir / "uncommitted" / "data_docs" / gp.DATA_DOCS_SITE / "index.html"
    return ValidationRun(target, location, reference, tables, docs if docs.exists() else None)


def validate_database(
    path: str | Path, reference_time: datetime | None = None, gx_dir: Path | None = None
) -> list[TableValidation]:
    """Validate the three raw tables of a DuckDB file (see `validate`)."""
    return validate(gp.DUCKDB, path, reference_time, gx_dir).tables


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
