"""The raw source contract (shared/contract/raw-sources.md, v1.1), read from its one machine-readable copy.

The contract is written once, in the dbt project's sources file (`models/staging/copilot_raw/
_copilot__sources.yml`, source `copilot_raw`): `config.meta.contract` of the source (what the three
tables share: the key whitespace, the value ranges, the plausibility limits the rules read), of each
table (key, key references, delivery tie-breaks, event timestamp, lateness allowance, base and
staged models, row rules) and of each column (type, nullability, enum values, range and
plausibility limit). The dbt macros read the same YAML through the graph (macros/contract/
raw_contract.sql); this module reads the file and gives the generator, `copilot-governance
validate` and the GX suites under gx/ its tables, columns and rule codes. The limit values are
configuration: seeds/contract/plausibility_limits.csv (and the var max_future_days_after_load).

`rule_codes` lists the v1 rules (the generator plants one bad row per code); the v1.1 rules (blank or
untrimmed keys, implausible values) are listed by `v11_rule_codes`, with the same codes as the dbt
project's quarantine.

    python -m copilot_governance.contract --write-docs   # re-render docs/contract.md after editing the YAML
    python -m copilot_governance.contract --check        # exit 1 when a rendering is stale (CI)

`--write-docs` also renders macros/contract/raw_contract_rendered.sql, the contract as the graph holds
it, for the two moments dbt has no graph: while it parses (a model's refs, e.g. to each raw table's
base and staged model, are recorded then) and in a unit test. When dbt executes with the graph, the
macros read the graph and stop the run if the rendering differs from it.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from copilot_governance.paths import project_root

RAW_SCHEMA = "raw"

#: The contract's one copy and the dbt source that holds it, relative to the project root.
SOURCES_YAML = Path("models/staging/copilot_raw/_copilot__sources.yml")
SOURCE_NAME = "copilot_raw"
#: Its renderings: the project's contract documentation and dbt's parse-time dependency list.
DOCS_FILE = Path("docs/contract.md")
RENDERED_MACRO = Path("macros/contract/raw_contract_rendered.sql")

#: The tables the generator writes (each must be in the contract).
TICKETS = "zs_ticket_outcomes"
CALLS = "zs_prompt_logs"
DRAFTS = "zs_draft_confidence"

#: The plausibility limits seed, relative to the project root.
PLAUSIBILITY_LIMITS_SEED = Path("seeds/contract/plausibility_limits.csv")
#: The limits every timestamp and `_loaded_at` are read against (each must be one of the contract's).
EARLIEST_TIMESTAMP_YEAR = "earliest_timestamp_year"
MAX_LOADED_AT_HOURS = "max_loaded_at_hours_after_reference"
#: The var (dbt_project.yml, vars.project_vars) of the future-timestamp rule; its default is the contract's.
MAX_FUTURE_DAYS_VAR = "max_future_days_after_load"

#: Contract type -> the DuckDB type the generator writes and validation expects.
DUCK_TYPES: dict[str, str] = {
    "varchar": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
    "integer": "INTEGER",
    "double": "DOUBLE",
}

_SOURCE_KEYS = {"document", "version", "key_whitespace", "ranges", "plausibility_limits"}
_TABLE_KEYS = {
    "key",
    "references",
    "tie_breakers",
    "event_timestamp",
    "lateness_allowance_hours",
    "expected_before_pilot",
    "base_model",
    "staged_model",
    "row_rules",
}
_COLUMN_KEYS = {"type", "nullable", "enum", "range", "plausible_max"}


class ContractError(ValueError):
    """A contract file (the sources YAML, the plausibility limits seed) that cannot be used."""


@dataclass(frozen=True)
class Column:
    """One contract column: name, DuckDB type, nullability and value rules."""

    name: str
    duck_type: str  # VARCHAR, TIMESTAMP, BOOLEAN, INTEGER, DOUBLE
    nullable: bool
    allowed: tuple[str, ...] | None = None  # closed enum (bad input outside it)
    min_value: float | None = None
    max_value: float | None = None
    range: str | None = None  # the contract range it must lie in (non_negative, unit_interval)
    plausible_max: str | None = None  # the plausibility limit (a limit_name of the seed) it must not exceed
    description: str = ""

    @property
    def type(self) -> str:
        """The contract's type name (varchar, timestamp, boolean, integer, double)."""
        return self.duck_type.lower()


@dataclass(frozen=True)
class ValueRange:
    """A value range a column can name, with the rule code a value outside it breaks."""

    name: str
    min_value: float | None
    max_value: float | None
    rule: str  # {column} stands for the column's name

    def rule_code(self, column: str) -> str:
        return self.rule.replace("{column}", column)


@dataclass(frozen=True)
class RowRule:
    """A rule across two columns of a row: `column` must not be before `not_before`."""

    rule: str
    column: str
    not_before: str


@dataclass(frozen=True)
class Table:
    """One raw table of the contract."""

    name: str
    description: str
    key: str
    references: tuple[str, ...]
    tie_breakers: tuple[str, ...]
    event_timestamp: str
    lateness_allowance_hours: int
    expected_before_pilot: bool
    base_model: str
    staged_model: str
    row_rules: tuple[RowRule, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")


@dataclass(frozen=True)
class Contract:
    """The whole contract: what the tables share, and the tables in the YAML's order."""

    path: Path
    document: str
    version: str
    loaded_at: str
    key_whitespace: tuple[str, ...]
    ranges: tuple[ValueRange, ...]
    plausibility_limits: tuple[str, ...]
    tables: dict[str, Table]

    def event_timestamps(self, table: str) -> tuple[str, ...]:
        """Every timestamp column of a table but the loaded_at_field, in order."""
        return tuple(c.name for c in self.tables[table].columns if c.type == "timestamp" and c.name != self.loaded_at)

    def value_range(self, name: str) -> ValueRange:
        return next(r for r in self.ranges if r.name == name)


# --- reading the YAML -----------------------------------------------------------------------------


def _meta(node: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The `contract` of a node's meta (`config.meta` as dbt 1.11 prefers, or a top-level `meta`)."""
    config = node.get("config") or {}
    meta = {**(node.get("meta") or {}), **(config.get("meta") or {})}
    contract = meta.get("contract")
    if not isinstance(contract, dict):
        raise ContractError(f"{where}: no config.meta.contract")
    return contract


def _known(spec: Mapping[str, Any], allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ContractError(
            f"{where}: unknown contract key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(spec))
    if missing:
        raise ContractError(f"{where}: contract lacks {', '.join(missing)}")


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ContractError(f"{where}: expected a list of names, got {value!r}")
    return tuple(value)


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ContractError(f"{where}: expected a number, got {value!r}")
    return value


def _column(spec: Mapping[str, Any], ranges: Mapping[str, ValueRange], limits: Sequence[str], where: str) -> Column:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ContractError(f"{where}: a column without a name")
    where = f"{where}.{name}"
    c = _meta(spec, where)
    _known(c, _COLUMN_KEYS, {"type", "nullable"}, where)
    if c["type"] not in DUCK_TYPES:
        raise ContractError(f"{where}: type {c['type']!r} is not one of {', '.join(DUCK_TYPES)}")
    if not isinstance(c["nullable"], bool):
        raise ContractError(f"{where}: nullable must be true or false, got {c['nullable']!r}")
    allowed = _names(c["enum"], f"{where} enum") if "enum" in c else None
    value_range = None
    if "range" in c:
        if c["range"] not in ranges:
            raise ContractError(f"{where}: range {c['range']!r} is not one of {', '.join(ranges)}")
        value_range = ranges[c["range"]]
    plausible_max = c.get("plausible_max")
    if plausible_max is not None and plausible_max not in limits:
        raise ContractError(f"{where}: plausible_max {plausible_max!r} is not a limit of the contract")
    return Column(
        name=name,
        duck_type=DUCK_TYPES[c["type"]],
        nullable=c["nullable"],
        allowed=allowed,
        min_value=value_range.min_value if value_range else None,
        max_value=value_range.max_value if value_range else None,
        range=value_range.name if value_range else None,
        plausible_max=plausible_max,
        description=" ".join(str(spec.get("description") or "").split()),
    )


def _table(
    spec: Mapping[str, Any], loaded_at: str, ranges: Mapping[str, ValueRange], limits: Sequence[str], where: str
) -> Table:
    name = spec.get("name")
    where = f"{where}.{name}"
    t = _meta(spec, where)
    _known(t, _TABLE_KEYS, _TABLE_KEYS, where)
    columns = tuple(_column(col, ranges, limits, where) for col in spec.get("columns") or [])
    by_name = {col.name: col for col in columns}
    if len(by_name) != len(columns):
        raise ContractError(f"{where}: a column is listed twice")

    def column(name: Any, what: str, types: tuple[str, ...] | None = None) -> str:
        if name not in by_name:
            raise ContractError(f"{where}: {what} {name!r} is not one of its columns")
        if types is not None and by_name[name].type not in types:
            raise ContractError(f"{where}: {what} {name} is {by_name[name].type}, not {' or '.join(types)}")
        return name

    key = column(t["key"], "key", ("varchar",))
    if by_name[key].nullable:
        raise ContractError(f"{where}: key {key} must not be nullable")
    column(loaded_at, "the loaded_at_field", ("timestamp",))
    rules = []
    for rule in t["row_rules"] or []:
        if not isinstance(rule, dict) or set(rule) != {"rule", "column", "not_before"}:
            raise ContractError(f"{where}: a row rule needs exactly rule, column and not_before: {rule!r}")
        rules.append(
            RowRule(
                rule["rule"], column(rule["column"], "row rule column"), column(rule["not_before"], "row rule column")
            )
        )
    hours = t["lateness_allowance_hours"]
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
        raise ContractError(f"{where}: lateness_allowance_hours must be a whole number of hours, got {hours!r}")
    if not isinstance(t["expected_before_pilot"], bool):
        raise ContractError(f"{where}: expected_before_pilot must be true or false")
    for model in ("base_model", "staged_model"):
        if not isinstance(t[model], str) or not t[model]:
            raise ContractError(f"{where}: {model} must name a model")
    return Table(
        name=name,
        description=" ".join(str(spec.get("description") or "").split()),
        key=key,
        references=tuple(column(n, "reference", ("varchar",)) for n in _names(t["references"], f"{where} references")),
        tie_breakers=tuple(column(n, "tie-breaker") for n in _names(t["tie_breakers"], f"{where} tie_breakers")),
        event_timestamp=column(t["event_timestamp"], "event_timestamp", ("timestamp",)),
        lateness_allowance_hours=hours,
        expected_before_pilot=t["expected_before_pilot"],
        base_model=t["base_model"],
        staged_model=t["staged_model"],
        row_rules=tuple(rules),
        columns=columns,
    )


def _read_source(root: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """The sources YAML's path and its source copilot_raw, as parsed."""
    path = (root or project_root()) / SOURCES_YAML
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContractError(f"cannot read the raw source contract {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ContractError(f"{path}: not valid YAML: {exc}") from None
    sources = [s for s in (data or {}).get("sources") or [] if isinstance(s, dict) and s.get("name") == SOURCE_NAME]
    if len(sources) != 1:
        raise ContractError(f"{path}: expected one source {SOURCE_NAME}")
    return path, sources[0]


def load_contract(root: Path | None = None) -> Contract:
    """The contract of the sources YAML under `root` (default: the project root), checked.

    Raises ContractError naming the file and the table or column when it cannot be used."""
    path, source = _read_source(root)
    where = f"{path}: source {SOURCE_NAME}"
    s = _meta(source, where)
    _known(s, _SOURCE_KEYS, _SOURCE_KEYS, where)
    codes = s["key_whitespace"]
    if not isinstance(codes, list) or not codes or not all(isinstance(n, int) and 0 < n < 128 for n in codes):
        raise ContractError(f"{where}: key_whitespace must list ASCII character codes, got {codes!r}")
    if not isinstance(s["ranges"], dict) or not s["ranges"]:
        raise ContractError(f"{where}: ranges must map names to a min and/or max and a rule")
    ranges: dict[str, ValueRange] = {}
    for name, spec in s["ranges"].items():
        if not isinstance(spec, dict) or not set(spec) <= {"min", "max", "rule"} or "rule" not in spec:
            raise ContractError(f"{where}: range {name} needs a rule and a min and/or max: {spec!r}")
        low, high = _number(spec.get("min"), f"{where} range {name}"), _number(spec.get("max"), f"{where} range {name}")
        if (low is None and high is None) or "{column}" not in str(spec["rule"]):
            raise ContractError(f"{where}: range {name} needs a min or max and a rule with {{column}}")
        ranges[name] = ValueRange(name, low, high, str(spec["rule"]))
    limits = _names(s["plausibility_limits"], f"{where} plausibility_limits")
    for limit in (EARLIEST_TIMESTAMP_YEAR, MAX_LOADED_AT_HOURS):
        if limit not in limits:
            raise ContractError(f"{where}: plausibility_limits lacks {limit}")
    loaded_at = (source.get("config") or {}).get("loaded_at_field") or source.get("loaded_at_field")
    if not isinstance(loaded_at, str):
        raise ContractError(f"{where}: no config.loaded_at_field")
    tables = {
        t.name: t for t in (_table(spec, loaded_at, ranges, limits, where) for spec in source.get("tables") or [])
    }
    for name in (TICKETS, CALLS, DRAFTS):
        if name not in tables:
            raise ContractError(f"{where}: no table {name}")
    return Contract(
        path=path,
        document=str(s["document"]),
        version=str(s["version"]),
        loaded_at=loaded_at,
        key_whitespace=tuple(chr(n) for n in codes),
        ranges=tuple(ranges.values()),
        plausibility_limits=limits,
        tables=tables,
    )


def _max_future_days(root: Path | None = None) -> int:
    """The default of the var max_future_days_after_load (dbt_project.yml, vars.project_vars)."""
    from copilot_governance.project_vars import load_specs

    for spec in load_specs(root):
        if spec.name == MAX_FUTURE_DAYS_VAR:
            return int(spec.default)
    raise ContractError(f"dbt_project.yml vars.project_vars has no {MAX_FUTURE_DAYS_VAR}")


CONTRACT = load_contract()

TABLES: tuple[str, ...] = tuple(CONTRACT.tables)
#: The column every table's deliveries are ordered and loaded by (the source's loaded_at_field).
LOADED_AT = CONTRACT.loaded_at
#: The key column of each table (the latest delivery of a key wins).
KEYS: dict[str, str] = {name: t.key for name, t in CONTRACT.tables.items()}
COLUMNS: dict[str, tuple[Column, ...]] = {name: t.columns for name, t in CONTRACT.tables.items()}
#: Timestamps that count as bad input when more than MAX_FUTURE_DAYS_AFTER_LOAD days after the row's
#: _loaded_at (and before earliest_timestamp_year): every timestamp column but _loaded_at.
FUTURE_CHECKED: dict[str, tuple[str, ...]] = {name: CONTRACT.event_timestamps(name) for name in TABLES}
#: The lateness allowance of each table, in hours (v1.1: tickets 3 days, calls and drafts 6 hours).
LATENESS_ALLOWANCE_HOURS: dict[str, int] = {name: t.lateness_allowance_hours for name, t in CONTRACT.tables.items()}


def column_names(table: str) -> list[str]:
    """The contract's column names of a raw table, in order."""
    return [c.name for c in COLUMNS[table]]


def allowed_values(table: str, column: str) -> tuple[str, ...]:
    """The enum of a column (the values a row may hold; another value is bad input)."""
    allowed = CONTRACT.tables[table].column(column).allowed
    if allowed is None:
        raise KeyError(f"{table}.{column} has no enum in the contract")
    return allowed


def null_rule(column: str) -> str:
    """The quarantine rule code for a null in a non-null column (`_loaded_at` -> null_loaded_at)."""
    return f"null_{column.lstrip('_')}"


def range_rules(table: str) -> list[tuple[str, Column, ValueRange]]:
    """(rule code, column, range) for each ranged column of a table: range by range (in the
    contract's order), columns in order."""
    cols = COLUMNS[table]
    return [(r.rule_code(c.name), c, r) for r in CONTRACT.ranges for c in cols if c.range == r.name]


def range_rule(column: Column) -> str:
    """The rule code a value of a ranged column breaks outside its range (negative_<column>, ...)."""
    if column.range is None:
        raise KeyError(f"{column.name} has no range in the contract")
    return CONTRACT.value_range(column.range).rule_code(column.name)


def row_rules(table: str) -> tuple[RowRule, ...]:
    """The rules across two columns of a row (solved_at not before created_at)."""
    return CONTRACT.tables[table].row_rules


def rule_codes(table: str) -> list[str]:
    """Every bad-input rule code the project uses for a table (see the contract's bad-input list)."""
    cols = COLUMNS[table]
    codes = [null_rule(c.name) for c in cols if not c.nullable]
    codes.extend(code for code, _, _ in range_rules(table))
    codes.extend(rule.rule for rule in row_rules(table))
    codes.extend(f"future_{name}" for name in FUTURE_CHECKED[table])
    codes.extend(f"invalid_{c.name}" for c in cols if c.allowed is not None)
    return codes


# --- v1.1 ----------------------------------------------------------------------------------------

#: The columns of each table that reference another table's key (v1.1: checked like keys).
REFERENCES: dict[str, tuple[str, ...]] = {name: t.references for name, t in CONTRACT.tables.items()}

#: What a key must neither be made of nor start or end with: space, tab, line feed, carriage return.
KEY_WHITESPACE: tuple[str, ...] = CONTRACT.key_whitespace

#: A timestamp more than this many days after its row's `_loaded_at` is bad input (the var's default).
MAX_FUTURE_DAYS_AFTER_LOAD = _max_future_days()

#: Plausibility maxima: column -> the limit (a limit_name of the seed) it must not exceed.
PLAUSIBLE_MAX: dict[str, dict[str, str]] = {
    name: {c.name: c.plausible_max for c in t.columns if c.plausible_max is not None}
    for name, t in CONTRACT.tables.items()
}

#: Every limit name the seed must define.
PLAUSIBILITY_LIMIT_NAMES: tuple[str, ...] = CONTRACT.plausibility_limits


def key_whitespace_sql(chr_function: str = "chr") -> str:
    """The key whitespace as an SQL string expression (`' ' || chr(9) || chr(10) || chr(13)`), for trim."""
    return " || ".join(
        f"'{ch}'" if " " <= ch <= "~" and ch != "'" else f"{chr_function}({ord(ch)})" for ch in KEY_WHITESPACE
    )


def key_columns(table: str) -> tuple[str, ...]:
    """The key of a raw table and its reference columns (v1.1: none may be blank or untrimmed)."""
    return (KEYS[table], *REFERENCES[table])


def timestamp_columns(table: str) -> tuple[str, ...]:
    """The event timestamps of a raw table (every timestamp column but `_loaded_at`)."""
    return FUTURE_CHECKED[table]


def read_plausibility_limits(path: str | Path) -> dict[str, int | float]:
    """The plausibility limits seed as {limit_name: value}.

    Raises ContractError naming the file (and line) when a limit is missing, unknown, repeated
    or not a number."""
    return {name: value for name, (value, _, _) in _read_limit_rows(path).items()}


def _read_limit_rows(path: str | Path, names: Sequence[str] | None = None) -> dict[str, tuple[int | float, str, str]]:
    """The seed as {limit_name: (value, unit, meaning)}, checked as read_plausibility_limits says."""
    path = Path(path)
    names = tuple(PLAUSIBILITY_LIMIT_NAMES if names is None else names)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"cannot read the plausibility limits {path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(text.splitlines())
    missing_columns = {"limit_name", "limit_value"} - set(reader.fieldnames or ())
    if missing_columns:
        raise ContractError(f"{path}: header lacks {', '.join(sorted(missing_columns))}")
    limits: dict[str, tuple[int | float, str, str]] = {}
    for line, row in enumerate(reader, start=2):
        name = (row.get("limit_name") or "").strip()
        raw = (row.get("limit_value") or "").strip()
        if name not in names:
            raise ContractError(f"{path}:{line}: unknown limit {name!r}; expected one of {', '.join(names)}")
        if name in limits:
            raise ContractError(f"{path}:{line}: limit {name} is defined twice")
        try:
            value = float(raw)
        except ValueError:
            raise ContractError(f"{path}:{line}: limit {name} has a value that is not a number: {raw!r}") from None
        limits[name] = (
            int(value) if value.is_integer() else value,
            (row.get("unit") or "").strip(),
            (row.get("meaning") or "").strip(),
        )
    missing = [n for n in names if n not in limits]
    if missing:
        raise ContractError(f"{path}: missing limits {', '.join(missing)}")
    return limits


def v11_rule_codes(table: str) -> list[str]:
    """The v1.1 bad-input rule codes of a raw table (codes as in the dbt project's quarantine):
    blank_<key> / untrimmed_<key> per key and reference column, implausible_<column> per
    plausibility maximum and per event timestamp, and implausible_loaded_at."""
    codes: list[str] = []
    for column in key_columns(table):
        codes.extend((f"blank_{column}", f"untrimmed_{column}"))
    codes.extend(f"implausible_{column}" for column in PLAUSIBLE_MAX[table])
    codes.extend(f"implausible_{column}" for column in timestamp_columns(table))
    codes.append(f"implausible_{LOADED_AT.lstrip('_')}")
    return codes


# --- renderings -----------------------------------------------------------------------------------

_WHITESPACE_NAMES = {" ": "space", "\t": "tab", "\n": "line feed", "\r": "carriage return"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _range_text(r: ValueRange) -> str:
    if r.max_value is None:
        return f"below {r.min_value:g}"
    if r.min_value is None:
        return f"above {r.max_value:g}"
    return f"outside [{r.min_value:g}, {r.max_value:g}]"


def _column_rules(contract: Contract, table: Table, col: Column, days: int) -> list[str]:
    """The rule codes a value of a column can break, each with what breaks it (for the docs)."""
    loaded_at = contract.loaded_at
    rules: list[str] = []
    if not col.nullable:
        rules.append(f"`{null_rule(col.name)}`")
    if col.name in (table.key, *table.references):
        rules.append(f"`blank_{col.name}`, `untrimmed_{col.name}`")
    if col.range is not None:
        r = contract.value_range(col.range)
        rules.append(f"`{r.rule_code(col.name)}` ({_range_text(r)})")
    if col.plausible_max is not None:
        rules.append(f"`implausible_{col.name}` (above `{col.plausible_max}`)")
    if col.name in contract.event_timestamps(table.name):
        rules.append(f"`future_{col.name}` (over {_days(days)} after {loaded_at})")
        rules.append(f"`implausible_{col.name}` (before `{EARLIEST_TIMESTAMP_YEAR}`)")
    if col.name == loaded_at:
        rules.append(
            f"`implausible_{loaded_at.lstrip('_')}` (before `{EARLIEST_TIMESTAMP_YEAR}`, or after the reference "
            f"time plus `{MAX_LOADED_AT_HOURS}`)"
        )
    if col.allowed is not None:
        rules.append(f"`invalid_{col.name}` (not one of {', '.join(col.allowed)})")
    for rule in table.row_rules:
        if col.name == rule.column:
            rules.append(f"`{rule.rule}` (before {rule.not_before})")
    return rules


def render_docs(root: Path | None = None) -> str:
    """docs/contract.md: the contract as people read it, rendered from the YAML (and the limits seed)."""
    root = root or project_root()
    contract = load_contract(root)
    limits = _read_limit_rows(root / PLAUSIBILITY_LIMITS_SEED, contract.plausibility_limits)
    days = _max_future_days(root)
    loaded_at = contract.loaded_at
    ws = ", ".join(f"{_WHITESPACE_NAMES.get(ch, repr(ch))} ({ord(ch)})" for ch in contract.key_whitespace)
    out = [
        f"<!-- Rendered from {SOURCES_YAML} by python -m copilot_governance.contract --write-docs:",
        "     edit the contract there, never here (a test fails when this file is stale). -->",
        f"# Raw source contract (v{contract.version})",
        "",
        "The three raw tables the warehouse loaders write and the project reads: their columns, types and",
        "nullability, and every rule whose breach makes a row bad input (quarantined with its rule code in",
        "`audit.audit_quarantined_rows`, never used in a metric, never silently dropped).",
        "",
        f"The contract is written once, as data, in [`{SOURCES_YAML}`](../{SOURCES_YAML}) (source",
        f"`{SOURCE_NAME}`: `config.meta.contract` of the source, of each table and of each column). The",
        "dbt macros read it through the graph (`macros/contract/raw_contract.sql`: the base models'",
        "quarantine, the load pre-flight, the audit models), the Python package reads the file",
        "(`src/copilot_governance/contract.py`: the generator, `copilot-governance validate` and its",
        "Great Expectations suites in `gx/`), and this page is rendered from it. The upstream text is",
        f"`{contract.document}` v{contract.version}, outside the repository; a test checks the YAML against it",
        "where it is there.",
        "",
        "## Tables",
        "",
        "| table | key | key references | latest delivery | event timestamp | lateness allowance "
        "| rows before a pilot | base model | staged model |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in contract.tables.values():
        order = ", then ".join([f"latest {loaded_at}", *(f"latest {c}" for c in t.tie_breakers)])
        refs = ", ".join(t.references) or "none"
        before = "expected" if t.expected_before_pilot else "not expected"
        out.append(
            f"| `{t.name}` | {t.key} | {refs} | {order} | {t.event_timestamp} | {t.lateness_allowance_hours} h "
            f"| {before} | `{t.base_model}` | `{t.staged_model}` |"
        )
    out += [
        "",
        f"Loaders deliver at least once: the latest `{loaded_at}` of a key wins, ties broken as above, then by",
        "the row's other values (so the choice is deterministic). The base model holds each key's latest",
        "delivery with the rules it breaks, the staged model its valid rows only. A table's lateness",
        "allowance bounds how long after its event (for a ticket: after the change it carries) a row may",
        "be delivered; a table whose rows are not expected before a pilot starts is not required then.",
    ]
    for t in contract.tables.values():
        out += [
            "",
            f"## {t.name}",
            "",
            t.description,
            "",
            "| column | type | null | rules (code: what breaks it) | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for col in t.columns:
            rules = "; ".join(_column_rules(contract, t, col, days))
            null = "yes" if col.nullable else "no"
            out.append(f"| {col.name} | {col.type} | {null} | {_cell(rules)} | {_cell(col.description)} |")
    out += [
        "",
        "## Rules",
        "",
        "Each rule code names what a row breaks; a row can break several (`failed_rules` lists them, sorted).",
        "",
        f'- `null_<column>`: a null in a column marked "no" (`{loaded_at}`: `{null_rule(loaded_at)}`).',
        "- `blank_<key>` / `untrimmed_<key>`: a key or key reference that is empty or only whitespace, or that",
        f"  starts or ends with whitespace: {ws}. `'ZT-1 '` is neither `ZT-1` nor a new key.",
    ]
    for r in contract.ranges:
        out.append(f"- `{r.rule}` (range `{r.name}`): a value {_range_text(r)}.")
    out += [
        "- `implausible_<column>`: a value above the column's plausibility limit, or a timestamp before",
        f"  1 January of `{EARLIEST_TIMESTAMP_YEAR}`; `implausible_{loaded_at.lstrip('_')}`: a `{loaded_at}` "
        "before that, or later than",
        f"  the run's reference time (var `reference_time`) plus `{MAX_LOADED_AT_HOURS}` hours.",
        f"- `future_<column>`: a timestamp more than {_days(days)} after the row's `{loaded_at}` (var",
        f"  `{MAX_FUTURE_DAYS_VAR}`, default {days}).",
        "- `invalid_<column>`: a value outside the column's enum (a null is not one).",
    ]
    for t in contract.tables.values():
        for rule in t.row_rules:
            out.append(f"- `{rule.rule}` ({t.name}): {rule.column} before {rule.not_before}.")
    out += [
        "- `unreadable_<column>` (dbt): a column the load delivered as text, whose value cannot be read as its",
        "  contract type (`'maybe'` in a boolean): text is compatible with every type, value by value.",
        "",
        f"A row with a null, blank or untrimmed key, or a null, unreadable or implausible `{loaded_at}`, is",
        "quarantined on its own: it takes no part in choosing the latest delivery. A missing table, a missing",
        "column or a column of an incompatible type is not a bad row: the load is broken, and the run stops",
        "before any model is built (the pre-flight, `macros/contract/raw_load_preflight.sql`). A value that is",
        "merely new (a queue, intent, region, processing region or model that no seed names yet) is not bad",
        "input: it is used, and listed in `audit.audit_unmapped_values`.",
        "",
        "## Plausibility limits",
        "",
        f"Configuration: one row each in [`{PLAUSIBILITY_LIMITS_SEED}`](../{PLAUSIBILITY_LIMITS_SEED}) (change a",
        "value there, in a pull request, and re-render this page).",
        "",
        "| limit | value | unit | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for name in contract.plausibility_limits:
        value, unit, meaning = limits[name]
        shown = str(value) if unit == "year" else f"{value:,}"
        out.append(f"| `{name}` | {shown} | {unit} | {_cell(meaning)} |")
    return "\n".join(out) + "\n"


def graph_view(root: Path | None = None) -> dict[str, Any]:
    """The contract as the dbt macros read it from the graph (raw_contract_view): the source's
    loaded_at_field and contract, and per table its name, contract and columns in order, each column
    its name with its contract (dbt merges a node's `meta` and `config.meta` as _meta does)."""
    load_contract(root)  # only a usable contract is rendered
    path, source = _read_source(root)
    return {
        "loaded_at_field": (source.get("config") or {}).get("loaded_at_field") or source.get("loaded_at_field"),
        "contract": _meta(source, str(path)),
        "tables": [
            {
                "name": table["name"],
                "contract": _meta(table, str(path)),
                "columns": [{"name": c["name"], **_meta(c, str(path))} for c in table.get("columns") or []],
            }
            for table in source.get("tables") or []
        ],
    }


def _jinja(value: Any, indent: int) -> str:
    """A value as a Jinja literal, a dict or list spread over lines unless it is flat and short (so
    that no `}}` ever closes the statement early)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    pad, inner = " " * indent, " " * (indent + 4)
    flat = all(
        not isinstance(v, dict | list) or (isinstance(v, list) and all(not isinstance(x, dict | list) for x in v))
        for v in (value.values() if isinstance(value, dict) else value)
    )
    if isinstance(value, dict):
        items = [f"{_jinja(k, 0)}: {_jinja(v, indent + 4)}" for k, v in value.items()]
        inline = "{" + ", ".join(items) + "}"
        if not items or (flat and indent + len(inline) <= 114):
            return inline
        return "{\n" + "".join(f"{inner}{item},\n" for item in items) + pad + "}"
    items = [_jinja(v, indent + 4) for v in value]
    inline = "[" + ", ".join(items) + "]"
    if not items or (flat and indent + len(inline) <= 114):
        return inline
    return "[\n" + "".join(f"{inner}{item},\n" for item in items) + pad + "]"


def render_macro(root: Path | None = None) -> str:
    """macros/contract/raw_contract_rendered.sql: the graph's view of the contract, for parse time and unit tests."""
    return (
        "{#-\n"
        f"    Rendered from the raw source contract ({SOURCES_YAML}) by\n"
        "    python -m copilot_governance.contract --write-docs: edit the contract, never this file.\n"
        "    The contract as the macros read it from dbt's graph (raw_contract_view), for the two moments dbt has no\n"
        "    graph: while it parses, when each model's refs are recorded (a model that loops over\n"
        "    raw_tables() refs every base and staged model), and in a unit test. When dbt executes with the\n"
        "    graph, raw_contract_view reads the graph and stops a run where this rendering differs.\n"
        "-#}\n"
        "{% macro raw_contract_rendered() %}\n"
        f"    {{%- set view = {_jinja(graph_view(root), 4)} -%}}\n"
        "    {{ return(view) }}\n"
        "{% endmacro %}\n"
    )


def stale_files(root: Path | None = None) -> dict[Path, str]:
    """Each rendering whose content differs from what the contract renders, with the content it should have."""
    root = root or project_root()
    wanted = {root / DOCS_FILE: render_docs(root), root / RENDERED_MACRO: render_macro(root)}
    return {path: text for path, text in wanted.items() if not path.exists() or path.read_text() != text}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m copilot_governance.contract", description=__doc__)
    parser.add_argument(
        "--write-docs", action="store_true", help=f"re-render {DOCS_FILE} and {RENDERED_MACRO} from the contract"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a rendering is stale")
    args = parser.parse_args(argv)
    try:
        stale = stale_files()
    except ContractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.write_docs:
        for path, text in stale.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
        return 0
    if stale:
        print("stale (run python -m copilot_governance.contract --write-docs): " + ", ".join(map(str, stale)))
        return 1
    print(f"{DOCS_FILE} and {RENDERED_MACRO} match {SOURCES_YAML}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
