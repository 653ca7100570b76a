"""The raw source contract is written once (models/staging/copilot_raw/_copilot__sources.yml): its
renderings (docs/contract.md, and the macros' copy for parse time and unit tests) are never stale,
no other file holds a second copy, and the YAML says what shared/contract/raw-sources.md says
(checked against that text, where it is there, and against the independent reading of
pytests/contract_oracle.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copilot_governance import contract
from pytests import contract_oracle as oracle
from pytests.dbt_runner import PROJECT_ROOT

UPSTREAM = PROJECT_ROOT.parent / "shared" / "contract" / "raw-sources.md"
TABLES = ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")


def _upstream_columns() -> dict[str, list[tuple[str, str, bool]]]:
    """raw-sources.md's column tables: {table: [(column, type, nullable)]}, in order."""
    tables: dict[str, list[tuple[str, str, bool]]] = {}
    current = None
    for line in UPSTREAM.read_text().splitlines():
        heading = re.match(r"## (zs_\w+):", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"\| (\w+) \| (\w+) \| (yes|no) \|", line)
        if current and row:
            tables[current].append((row.group(1), row.group(2), row.group(3) == "yes"))
    return tables


def test_docs_and_the_parse_time_list_are_rendered_from_the_contract():
    assert contract.stale_files(PROJECT_ROOT) == {}, "run python -m copilot_governance.contract --write-docs"


def test_the_check_command_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "copilot_governance.contract", "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _copy_project(tmp_path: Path) -> Path:
    for rel in (
        contract.SOURCES_YAML,
        contract.PLAUSIBILITY_LIMITS_SEED,
        contract.DOCS_FILE,
        contract.RENDERED_MACRO,
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / rel, tmp_path / rel)
    shutil.copy(PROJECT_ROOT / "dbt_project.yml", tmp_path / "dbt_project.yml")
    return tmp_path


def test_a_contract_change_makes_both_renderings_stale(tmp_path):
    root = _copy_project(tmp_path)
    assert contract.stale_files(root) == {}
    yml = root / contract.SOURCES_YAML
    text = yml.read_text()
    text = text.replace("enum: [ok, error, timeout, filtered]", "enum: [ok, error, timeout, filtered, cancelled]")
    text = text.replace("staged_model: stg_copilot__prompt_logs", "staged_model: stg_copilot__calls")
    yml.write_text(text)
    stale = contract.stale_files(root)
    assert set(stale) == {root / contract.DOCS_FILE, root / contract.RENDERED_MACRO}
    assert "`invalid_status` (not one of ok, error, timeout, filtered, cancelled)" in stale[root / contract.DOCS_FILE]
    assert "'staged_model': 'stg_copilot__calls'," in stale[root / contract.RENDERED_MACRO]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{type: double, nullable: false, range: unit_interval}",
            "{type: float, nullable: false}",
            "confidence_score: type 'float'",
        ),
        ("range: unit_interval}", "range: percent}", "zs_draft_confidence.confidence_score: range 'percent'"),
        ("plausible_max: max_reopens}", "plausible_max: max_reopen}", "reopens: plausible_max 'max_reopen'"),
        ("key: draft_id", "key: draft_key", "key 'draft_key' is not one of its columns"),
        ("tie_breakers: [updated_at]", "tie_breaker: [updated_at]", "unknown contract key(s) tie_breaker"),
    ],
)
def test_a_broken_contract_is_refused_naming_where(tmp_path, old, new, message):
    root = _copy_project(tmp_path)
    yml = root / contract.SOURCES_YAML
    assert old in yml.read_text()
    yml.write_text(yml.read_text().replace(old, new, 1))
    with pytest.raises(contract.ContractError, match=re.escape(message)):
        contract.load_contract(root)


def test_no_second_copy_of_the_contract_in_the_macros_or_the_package():
    """The macros and contract.py name no contract column, enum value or table-specific limit: they
    read them from the YAML (the load column `_loaded_at` is the source's loaded_at_field)."""
    names = {c.name for cols in contract.COLUMNS.values() for c in cols} - {contract.LOADED_AT}
    values = {v for cols in contract.COLUMNS.values() for c in cols for v in c.allowed or ()}
    limits = {c.plausible_max for cols in contract.COLUMNS.values() for c in cols if c.plausible_max}
    models = {t.base_model for t in contract.CONTRACT.tables.values()} | {
        t.staged_model for t in contract.CONTRACT.tables.values()
    }
    files = [
        PROJECT_ROOT / "macros/contract/raw_contract.sql",
        PROJECT_ROOT / "macros/contract/raw_load_preflight.sql",
        PROJECT_ROOT / "src/copilot_governance/contract.py",
        PROJECT_ROOT / "src/copilot_governance/gx_project.py",
    ]
    for path in files:
        text = path.read_text()
        for word in sorted(names | values | limits | models):
            assert not re.search(rf"['\"`]{re.escape(word)}['\"`]", text), f"{path.name} names {word!r}"


def test_the_audit_files_read_the_table_key_model_list_from_the_contract():
    for rel in (
        "models/audit/audit_load_reconciliation.sql",
        "models/audit/audit_quarantined_rows.sql",
        "models/audit/audit_unmapped_values.sql",
        "models/intermediate/loads/int_loads__delivered_values.sql",
        "tests/audit/assert_no_key_both_staged_and_quarantined.sql",
        "tests/audit/assert_load_reconciliation_counts_raw_rows.sql",
    ):
        path = PROJECT_ROOT / rel
        if not path.exists():  # moved by later work; the names below must not come back elsewhere
            continue
        text = path.read_text()
        assert not re.search(r"(base|stg)_copilot__\w+", text), f"{rel} names a base or staged model"


@pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} is not there")
def test_the_columns_types_and_nulls_are_raw_sources_md():
    upstream = _upstream_columns()
    assert tuple(upstream) == TABLES == contract.TABLES
    for table in TABLES:
        ours = [(c.name, c.type, c.nullable) for c in contract.COLUMNS[table]]
        assert ours == upstream[table], table


@pytest.mark.skipif(not UPSTREAM.exists(), reason=f"{UPSTREAM} is not there")
def test_the_version_and_the_lateness_allowances_are_raw_sources_md():
    text = UPSTREAM.read_text()
    assert text.startswith(f"# Raw source contract, v{contract.CONTRACT.version}\n")
    # "up to 3 days after the event for tickets ... a call or a draft within 6 hours of its event"
    assert "3 days after the event for tickets" in text and "a call or a draft within 6 hours" in text
    hours = contract.LATENESS_ALLOWANCE_HOURS
    assert hours == {TABLES[0]: 3 * 24, TABLES[1]: 6, TABLES[2]: 6}


def test_the_rules_are_the_oracles_reading_of_raw_sources_md():
    """pytests/contract_oracle.py is written from raw-sources.md independently of the YAML."""
    assert contract.KEYS == oracle.KEYS
    for table in TABLES:
        t = contract.CONTRACT.tables[table]
        assert f"staging.{t.staged_model}" == oracle.STAGING[table]
        assert [c.name for c in t.columns if not c.nullable] == oracle.NOT_NULL[table]
        assert list(contract.key_columns(table)) == oracle.KEY_REFERENCES[table]
        assert [c.name for c in t.columns if c.range == "non_negative"] == oracle.NON_NEGATIVE[table]
        assert [c.name for c in t.columns if c.range == "unit_interval"] == oracle.UNIT_INTERVAL.get(table, [])
        assert list(contract.timestamp_columns(table)) == oracle.TIMESTAMPS[table]
        assert {c.name: set(c.allowed) for c in t.columns if c.allowed} == oracle.ENUMS[table]
        assert list(contract.PLAUSIBLE_MAX[table]) == list(oracle.PLAUSIBLE_MAX[table])
        assert [r.rule for r in t.row_rules] == (["solved_before_created"] if table == TABLES[0] else [])
    limits = contract.read_plausibility_limits(PROJECT_ROOT / contract.PLAUSIBILITY_LIMITS_SEED)
    for table in TABLES:
        for column, limit in contract.PLAUSIBLE_MAX[table].items():
            assert limits[limit] == oracle.PLAUSIBLE_MAX[table][column], (table, column)
    assert limits[contract.EARLIEST_TIMESTAMP_YEAR] == oracle.EARLIEST.year
    assert set(contract.KEY_WHITESPACE) == set(oracle.WHITESPACE)
    assert contract.MAX_FUTURE_DAYS_AFTER_LOAD == 1
