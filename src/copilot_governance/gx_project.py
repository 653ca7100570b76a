"""The Great Expectations project of the repository (gx/), generated from the raw source contract.

`gx/` is a file data context: great_expectations.yml (two SQL datasources, `duckdb` and
`snowflake`, each with a table asset per raw table), one expectation suite per raw table in
gx/expectations/, and one validation definition and one checkpoint per target and raw table
(`duckdb_zs_ticket_outcomes`, ..., `snowflake_zs_draft_confidence`). gx/uncommitted/ (validation
results, Data Docs) is git-ignored by gx/.gitignore.

Everything but gx/uncommitted is written by `write_project` from the raw source contract (read by
`contract.py` from models/staging/copilot_raw/_copilot__sources.yml) and the plausibility limits seed,
with ids derived from names, so regenerating gives the same files byte for byte
(`copilot-governance validate --write-suites`; a unit test fails when the stored files drift).

No secret and no file path is stored: the datasources read them from environment variables that
`copilot-governance validate` sets for its own process (GX config substitution):
- COPILOT_GX_DUCKDB_PATH: the DuckDB file (percent-encoded), opened read-only with a memory limit;
- COPILOT_GX_SNOWFLAKE_URL: the Snowflake SQLAlchemy URL built from the profile's env vars.
"""

from __future__ import annotations

import logging
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from copilot_governance import contract as c
from copilot_governance.paths import ProjectError, project_root

GX_DIR_NAME = "gx"
DUCKDB = "duckdb"
SNOWFLAKE = "snowflake"
TARGETS: tuple[str, ...] = (DUCKDB, SNOWFLAKE)

DUCKDB_PATH_VAR = "COPILOT_GX_DUCKDB_PATH"
SNOWFLAKE_URL_VAR = "COPILOT_GX_SNOWFLAKE_URL"
#: DuckDB's memory limit for validation (the work is aggregates in the database; see the benchmark).
DUCKDB_MEMORY_LIMIT = "2GB"
BATCH_DEFINITION = "whole_table"
#: The suite parameter the `_loaded_at` plausibility bound is computed from (an ISO timestamp, UTC).
REFERENCE_TIME = "reference_time"
#: What each checkpoint keeps of a failing expectation: its counts and 5 sample values (LIMIT 5 in SQL).
#: BASIC, not SUMMARY: SUMMARY adds value counts of every unexpected value (a GROUP BY without limit).
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 5}
DATA_DOCS_SITE = "local_site"
DATA_DOCS_INDEX_LIMIT = 30

#: The SQL of "blank" and "untrimmed": the contract's key whitespace (as in the dbt quarantine).
_WHITESPACE_SQL = c.key_whitespace_sql("CHR")
_ID_NAMESPACE = uuid.UUID("3c5b0f57-1f0e-4c57-9d1b-7b0c2f6a9e41")


def default_gx_dir() -> Path:
    return project_root() / GX_DIR_NAME


def checkpoint_name(target: str, table: str) -> str:
    return f"{target}_{table}"


def _id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{kind}:{name}"))


@contextmanager
def quiet_gx() -> Iterator[None]:
    """No analytics, no deprecation chatter (table assets' schema_name, generic SQL datasources)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", module="great_expectations")
        warnings.filterwarnings("ignore", message=".*more specific.*")
        yield


# --- suites ---------------------------------------------------------------------------------------


def _timestamp_text(year: int) -> str:
    return f"{year:04d}-01-01 00:00:00"


def _expectations(table: str, limits: dict[str, int | float]) -> list[tuple[str, str, Any]]:
    """(rule code, column, expectation) for every rule of a raw table, in a stable order."""
    import great_expectations as gx

    ex = gx.expectations
    key = c.KEYS[table]
    earliest = _timestamp_text(int(limits[c.EARLIEST_TIMESTAMP_YEAR]))
    hours = limits[c.MAX_LOADED_AT_HOURS]
    days = c.MAX_FUTURE_DAYS_AFTER_LOAD
    out: list[tuple[str, str, Any]] = [
        (
            "missing_columns",
            "",
            ex.ExpectTableColumnsToMatchSet(
                column_set=c.column_names(table),
                exact_match=False,
                description=f"{table} has every contract column",
            ),
        )
    ]
    for col in c.COLUMNS[table]:
        if not col.nullable:
            out.append(
                (
                    c.null_rule(col.name),
                    col.name,
                    ex.ExpectColumnValuesToNotBeNull(column=col.name, description=f"{col.name} is never null"),
                )
            )
    for column in c.key_columns(table):
        selected = key if column == key else f"{key}, {column}"
        out.append(
            (
                f"blank_{column}",
                column,
                ex.UnexpectedRowsExpectation(
                    unexpected_rows_query=f"SELECT {selected} FROM {{batch}} "
                    f"WHERE {column} IS NOT NULL AND TRIM({column}, {_WHITESPACE_SQL}) = ''",
                    description=f"{column} is not empty and not only whitespace",
                ),
            )
        )
        out.append(
            (
                f"untrimmed_{column}",
                column,
                ex.UnexpectedRowsExpectation(
                    unexpected_rows_query=f"SELECT {selected} FROM {{batch}} "
                    f"WHERE TRIM({column}, {_WHITESPACE_SQL}) <> '' "
                    f"AND {column} <> TRIM({column}, {_WHITESPACE_SQL})",
                    description=f"{column} has no leading or trailing whitespace (space, tab, CR, LF)",
                ),
            )
        )
    for col in c.COLUMNS[table]:
        if col.min_value is not None and col.max_value is None:
            out.append(
                (
                    c.range_rule(col),
                    col.name,
                    ex.ExpectColumnValuesToBeBetween(
                        column=col.name, min_value=col.min_value, description=f"{col.name} is not negative"
                    ),
                )
            )
    for column, limit in c.PLAUSIBLE_MAX[table].items():
        out.append(
            (
                f"implausible_{column}",
                column,
                ex.ExpectColumnValuesToBeBetween(
                    column=column,
                    max_value=limits[limit],
                    description=f"{column} is at most {limits[limit]:,} ({limit})",
                ),
            )
        )
    for col in c.COLUMNS[table]:
        if col.min_value is not None and col.max_value is not None:
            out.append(
                (
                    c.range_rule(col),
                    col.name,
                    ex.ExpectColumnValuesToBeBetween(
                        column=col.name,
                        min_value=col.min_value,
                        max_value=col.max_value,
                        description=f"{col.name} is between {col.min_value:g} and {col.max_value:g}",
                    ),
                )
            )
    for rule in c.row_rules(table):
        out.append(
            (
                rule.rule,
                rule.column,
                ex.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=rule.column,
                    column_B=rule.not_before,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    description=f"{rule.column} is not before {rule.not_before}",
                ),
            )
        )
    for ts in c.FUTURE_CHECKED[table]:
        out.append(
            (
                f"future_{ts}",
                ts,
                ex.UnexpectedRowsExpectation(
                    unexpected_rows_query=f"SELECT {key}, {ts}, _loaded_at FROM {{batch}} "
                    f"WHERE {ts} > _loaded_at + INTERVAL '{days} day'",
                    description=f"{ts} is at most {days} day after the row's _loaded_at",
                ),
            )
        )
    for ts in c.timestamp_columns(table):
        out.append(
            (
                f"implausible_{ts}",
                ts,
                ex.ExpectColumnValuesToBeBetween(
                    column=ts, min_value=earliest, description=f"{ts} is not before {earliest[:10]}"
                ),
            )
        )
    out.append(
        (
            "implausible_loaded_at",
            "_loaded_at",
            ex.ExpectColumnValuesToBeBetween(
                column="_loaded_at",
                min_value=earliest,
                max_value={"$PARAMETER": f"{REFERENCE_TIME} + timedelta(hours={hours})"},
                description=f"_loaded_at is from {earliest[:10]} to the reference time + {hours} hours",
            ),
        )
    )
    for col in c.COLUMNS[table]:
        if col.allowed is not None:
            out.append(
                (
                    f"invalid_{col.name}",
                    col.name,
                    ex.ExpectColumnValuesToBeInSet(
                        column=col.name,
                        value_set=list(col.allowed),
                        description=f"{col.name} is one of {', '.join(col.allowed)} (or null)"
                        if col.nullable
                        else f"{col.name} is one of {', '.join(col.allowed)}",
                    ),
                )
            )
    return out


def build_suite(table: str, limits: dict[str, int | float]) -> Any:
    """The expectation suite of a raw table (named as the table), with ids derived from names.

    Each expectation's meta holds the contract rule code it checks (`rule`) and its `column`."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(
        name=table,
        id=_id("suite", table),
        meta={
            "generated_by": "copilot-governance validate --write-suites",
            "source": f"{c.SOURCES_YAML} and {c.PLAUSIBILITY_LIMITS_SEED} "
            f"({c.CONTRACT.document} v{c.CONTRACT.version})",
        },
    )
    for rule, column, expectation in _expectations(table, limits):
        expectation.id = _id("expectation", f"{table}/{rule}")
        expectation.meta = {"rule": rule, "column": column}
        suite.expectations.append(expectation)
    return suite


def suite_text(table: str, limits: dict[str, int | float]) -> str:
    """A suite as its stored file gx/expectations/<table>.json (GX's serialization)."""
    from great_expectations.core.expectation_suite import expectationSuiteSchema

    return expectationSuiteSchema.dumps(build_suite(table, limits), indent=2, sort_keys=True) + "\n"


def load_limits(root: Path | None = None) -> dict[str, int | float]:
    """The plausibility limits seed of the project (raises contract.ContractError)."""
    return c.read_plausibility_limits((root or project_root()) / c.PLAUSIBILITY_LIMITS_SEED)


# --- datasources, validation definitions, checkpoints -------------------------------------------


def _datasources() -> dict[str, Any]:
    from copilot_governance.gx_duckdb import SCHEME

    def assets(target: str, schema: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for table in c.TABLES:
            asset: dict[str, Any] = {
                "type": "table",
                "id": _id("asset", f"{target}/{table}"),
                "batch_metadata": {},
                "batch_definitions": {
                    BATCH_DEFINITION: {"id": _id("batch_definition", f"{target}/{table}"), "partitioner": None}
                },
                "table_name": table,
            }
            if schema is not None:
                asset["schema_name"] = schema
            out[table] = asset
        return out

    return {
        DUCKDB: {
            "type": "sql",
            "id": _id("datasource", DUCKDB),
            "assets": assets(DUCKDB, c.RAW_SCHEMA),
            "connection_string": f"{SCHEME}:///${{{DUCKDB_PATH_VAR}}}",
            "kwargs": {"connect_args": {"read_only": True, "config": {"memory_limit": DUCKDB_MEMORY_LIMIT}}},
        },
        # The URL names the raw database and schema (PILOT_RAW_DATABASE / PILOT_RAW_SCHEMA), so the
        # assets name the tables alone (Snowflake resolves them in the URL's schema).
        SNOWFLAKE: {
            "type": "sql",
            "id": _id("datasource", SNOWFLAKE),
            "assets": assets(SNOWFLAKE, None),
            "connection_string": f"${{{SNOWFLAKE_URL_VAR}}}",
        },
    }


def _write_yaml(gx_dir: Path) -> Path:
    from ruamel.yaml import YAML

    path = gx_dir / "great_expectations.yml"
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    config = yaml.load(path.read_text(encoding="utf-8"))
    config["analytics_enabled"] = False
    config["progress_bars"] = {"globally": False, "metric_calculations": False}
    site = config["data_docs_sites"][DATA_DOCS_SITE]
    site["show_how_to_buttons"] = False
    # the index lists the latest results only, so building it stays quick however many runs are kept
    site["site_index_builder"]["validation_results_limit"] = DATA_DOCS_INDEX_LIMIT
    config["fluent_datasources"] = _datasources()
    config.yaml_set_comment_before_after_key(
        "fluent_datasources",
        before="Generated by `copilot-governance validate --write-suites` (src/copilot_governance/gx_project.py):\n"
        "edit the generator, not this section. Paths and credentials come from environment variables\n"
        f"({DUCKDB_PATH_VAR}, {SNOWFLAKE_URL_VAR}) that `copilot-governance validate` sets.",
    )
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(config, handle)
    return path


def _scaffold(gx_dir: Path) -> None:
    """Create a new file data context in gx_dir (GX's own layout, gx/.gitignore included)."""
    import great_expectations as gx

    if (gx_dir / "great_expectations.yml").exists():
        return
    if gx_dir.name != GX_DIR_NAME:
        raise ProjectError(f"a new GX project directory must be named {GX_DIR_NAME}/ (got {gx_dir})")
    with quiet_gx():
        gx.get_context(mode="file", project_root_dir=str(gx_dir.parent))


def load_context(gx_dir: Path) -> Any:
    """The project's file data context (raises ProjectError when gx_dir holds none)."""
    import great_expectations as gx

    if not (gx_dir / "great_expectations.yml").is_file():
        raise ProjectError(
            f"no Great Expectations project in {gx_dir} (great_expectations.yml missing); "
            "create it with `copilot-governance validate --write-suites`"
        )
    with quiet_gx():
        return gx.get_context(mode="file", context_root_dir=str(gx_dir))


def write_project(gx_dir: Path | None = None, limits: dict[str, int | float] | None = None) -> list[Path]:
    """(Re)generate the GX project's committed files from the contract; returns the files written.

    Writes gx/great_expectations.yml (its datasources, analytics and progress bars off), the suites,
    the validation definitions and the checkpoints. Idempotent: a second run rewrites the same bytes."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    from copilot_governance.gx_duckdb import register

    register()
    gx_dir = gx_dir or default_gx_dir()
    limits = limits if limits is not None else load_limits()
    _scaffold(gx_dir)
    written = [_write_yaml(gx_dir)]
    for table in c.TABLES:
        path = gx_dir / "expectations" / f"{table}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(suite_text(table, limits), encoding="utf-8")
        written.append(path)

    context = load_context(gx_dir)
    with quiet_gx():
        for target in TARGETS:
            datasource = context.data_sources.get(target)
            for table in c.TABLES:
                name = checkpoint_name(target, table)
                batch_definition = datasource.get_asset(table).get_batch_definition(BATCH_DEFINITION)
                validation = gx.ValidationDefinition(
                    name=name, data=batch_definition, suite=context.suites.get(table), id=_id("validation", name)
                )
                path = gx_dir / "validation_definitions" / f"{name}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(context.validation_definition_store.serialize(validation) + "\n", encoding="utf-8")
                written.append(path)
                checkpoint = gx.Checkpoint(
                    name=name,
                    id=_id("checkpoint", name),
                    validation_definitions=[validation],
                    actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DATA_DOCS_SITE])],
                    result_format=RESULT_FORMAT,
                )
                path = gx_dir / "checkpoints" / f"{name}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(context.checkpoint_store.serialize(checkpoint) + "\n", encoding="utf-8")
                written.append(path)
    return written
