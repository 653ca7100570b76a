"""Great Expectations validation of the raw tables against the contract."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from copilot_governance.cli import main
from copilot_governance.generator import GeneratorConfig, generate, write_duckdb
from copilot_governance.validation import validate_database

CONFIG = dict(start_date=date(2025, 2, 1), end_date=date(2025, 2, 14), tickets_per_day=150, seed=2)


@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("gx")
    clean = write_duckdb(generate(GeneratorConfig(**CONFIG, bad_input=False)), base / "clean.duckdb")
    bad = write_duckdb(generate(GeneratorConfig(**CONFIG)), base / "bad.duckdb")
    return {"clean": str(clean), "bad": str(bad)}


def test_clean_data_passes(dbs):
    results = validate_database(dbs["clean"])
    assert [r.table for r in results] == ["zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence"]
    assert all(r.success for r in results), [r.failures for r in results]
    assert all(r.rows_checked > 0 and r.evaluated > 10 for r in results)


def test_bad_input_fails_on_every_kind_of_rule(dbs):
    failures = {r.table: "\n".join(r.failures) for r in validate_database(dbs["bad"])}
    tickets = failures["zs_ticket_outcomes"]
    for expected in (
        "not_be_null(ticket_id)",
        "be_in_set(satisfaction_rating)",
        "be_between(reopens)",
        "greater_than_b(solved_at, created_at)",
        "greater_than_b(_load_horizon, updated_at)",
    ):
        assert expected in tickets
    assert "be_in_set(status)" in failures["zs_prompt_logs"]
    assert "be_between(confidence_score)" in failures["zs_draft_confidence"]


def test_a_sample_is_validated_when_asked(dbs):
    results = validate_database(dbs["clean"], sample_rows=100)
    assert all(r.rows_checked == 100 for r in results) and all(r.success for r in results)


def test_schema_drift_is_reported(dbs, tmp_path):
    copy = tmp_path / "drift.duckdb"
    with duckdb.connect(str(copy)) as con:
        con.execute(f"attach '{dbs['clean']}' as src (read_only)")
        con.execute("create schema raw")
        con.execute("create table raw.zs_ticket_outcomes as select * exclude (channel) from src.raw.zs_ticket_outcomes")
        con.execute("create table raw.zs_prompt_logs as select * from src.raw.zs_prompt_logs")
    results = {r.table: r for r in validate_database(copy)}
    assert "columns and types differ" in results["zs_ticket_outcomes"].failures[0]
    assert "does not exist" in results["zs_draft_confidence"].failures[0]


def test_cli_validate_exit_codes(dbs, capsys):
    assert main(["validate", "--db", dbs["clean"]]) == 0
    assert "raw.zs_ticket_outcomes: ok" in capsys.readouterr().out
    assert main(["validate", "--db", dbs["bad"]]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "expect_column_values_to_not_be_null" in out
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--db", "/nonexistent/x.duckdb"])
    assert exc.value.code == 2
