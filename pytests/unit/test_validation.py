"""`copilot-governance validate`: the GX project's checkpoints against the raw source contract.

Counts are compared with independent DuckDB counts (pytests/unit/checks.py for the v1 rules, the
SQL below for v1.1), not with the suite generator's own expectations.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.engine import make_url

from copilot_governance import contract as c
from copilot_governance import gx_project as gp
from copilot_governance.cli import main
from copilot_governance.validation import (
    ValidationSetupError,
    parse_reference_time,
    resolve_db_path,
    snowflake_url,
    type_compatible,
    validate,
)

from . import checks

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = datetime(2025, 2, 20)
WS = "' ' || chr(9) || chr(10) || chr(13)"


def _v11_rules(table: str) -> dict[str, str]:
    """The v1.1 rules as DuckDB predicates, written from raw-sources.md and the limits seed."""
    rules: dict[str, str] = {}
    for column in c.key_columns(table):
        rules[f"blank_{column}"] = f"{column} IS NOT NULL AND trim({column}, {WS}) = ''"
        rules[f"untrimmed_{column}"] = f"trim({column}, {WS}) <> '' AND {column} <> trim({column}, {WS})"
    limits = {
        "handle_time_seconds": 604800,
        "agent_replies": 1000,
        "reopens": 1000,
        "input_tokens": 1_000_000,
        "output_tokens": 1_000_000,
        "latency_ms": 900_000,
    }
    for column in c.PLAUSIBLE_MAX[table]:
        rules[f"implausible_{column}"] = f"{column} > {limits[column]}"
    for column in c.FUTURE_CHECKED[table]:
        rules[f"implausible_{column}"] = f"{column} < TIMESTAMP '2000-01-01'"
    rules["implausible_loaded_at"] = (
        f"_loaded_at < TIMESTAMP '2000-01-01' OR _loaded_at > TIMESTAMP '{REFERENCE}' + INTERVAL 24 HOUR"
    )
    return rules


def _independent_counts(path: Path, table: str) -> dict[str, int]:
    rules = {**checks.RULES[table], **_v11_rules(table)}
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            code: con.execute(f"SELECT count(*) FROM raw.{table} WHERE coalesce({pred}, false)").fetchone()[0]
            for code, pred in rules.items()
        }


def _reported(run, table: str) -> dict[str, int | None]:
    [result] = [t for t in run.tables if t.table == table]
    return {f.rule: f.unexpected_rows for f in result.failed}


def test_clean_data_passes(gx_raw_dbs, gx_dir):
    run = validate(db=gx_raw_dbs["clean"], reference_time=REFERENCE, gx_dir=gx_dir)
    assert [t.table for t in run.tables] == list(c.TABLES)
    assert run.success, [t.failures for t in run.tables]
    for result in run.tables:
        suite = json.loads((gx_dir / "expectations" / f"{result.table}.json").read_text())
        assert result.evaluated == len(suite["expectations"]) + 1  # + the schema check
        assert result.rows_checked and result.rows_checked > 100
    assert run.data_docs == gx_dir / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert run.data_docs.is_file()


def test_bad_input_fails_with_the_exact_unexpected_counts(gx_raw_dbs, gx_dir):
    run = validate(db=gx_raw_dbs["bad"], reference_time=REFERENCE, gx_dir=gx_dir)
    assert not run.success
    for table in c.TABLES:
        expected = {code: n for code, n in _independent_counts(gx_raw_dbs["bad"], table).items() if n}
        reported = _reported(run, table)
        assert reported == expected, table
        # the generator plants every v1 rule, so each one is reported by its expectation
        assert set(c.rule_codes(table)) <= set(reported), table


def test_v11_hostile_rows_are_each_reported(gx_raw_dbs, gx_dir, tmp_path):
    path = tmp_path / "hostile.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"ATTACH '{gx_raw_dbs['clean']}' AS src (READ_ONLY)")
        con.execute("CREATE SCHEMA raw")
        for table in c.TABLES:
            con.execute(f"CREATE TABLE raw.{table} AS SELECT * FROM src.raw.{table}")
        con.execute("ALTER TABLE raw.zs_prompt_logs ALTER input_tokens TYPE BIGINT")  # 2^31 needs BIGINT
        hostile = {
            "zs_ticket_outcomes": [
                "'ZT-HOSTILE-1 ' AS ticket_id",
                "'' AS ticket_id",
                "chr(9) || 'ZT-HOSTILE-2' AS ticket_id",
                "2147483647 AS handle_time_seconds",
                "TIMESTAMP '1999-06-01 08:00:00' AS created_at",
                "TIMESTAMP '2200-01-01 00:00:00' AS _loaded_at",
            ],
            "zs_prompt_logs": ["2147483648 AS input_tokens", "'ZT-1' || chr(13) || chr(10) AS ticket_id"],
            "zs_draft_confidence": ["' ' AS prompt_id"],
        }
        for table, replacements in hostile.items():
            for replacement in replacements:
                con.execute(f"INSERT INTO raw.{table} SELECT * REPLACE ({replacement}) FROM raw.{table} LIMIT 1")
    run = validate(db=path, reference_time=REFERENCE, gx_dir=gx_dir)
    assert _reported(run, "zs_ticket_outcomes") == {
        "untrimmed_ticket_id": 2,
        "blank_ticket_id": 1,
        "implausible_handle_time_seconds": 1,
        "implausible_created_at": 1,
        "implausible_loaded_at": 1,
    }
    assert _reported(run, "zs_prompt_logs") == {"untrimmed_ticket_id": 1, "implausible_input_tokens": 1}
    assert _reported(run, "zs_draft_confidence") == {"blank_prompt_id": 1}
    for table in c.TABLES:
        expected = {code: n for code, n in _independent_counts(path, table).items() if n}
        assert _reported(run, table) == expected


def test_a_broken_load_names_table_column_expected_and_found_type(gx_raw_dbs, gx_dir, tmp_path):
    path = tmp_path / "drift.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"ATTACH '{gx_raw_dbs['clean']}' AS src (READ_ONLY)")
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.zs_ticket_outcomes AS SELECT * EXCLUDE (channel) FROM src.raw.zs_ticket_outcomes")
        con.execute(
            "CREATE TABLE raw.zs_draft_confidence AS SELECT * REPLACE "
            "(CAST(confidence_score AS VARCHAR) AS confidence_score) FROM src.raw.zs_draft_confidence"
        )
    run = validate(db=path, reference_time=REFERENCE, gx_dir=gx_dir)
    problems = {t.table: t.schema_problems for t in run.tables}
    assert problems == {
        "zs_ticket_outcomes": ["raw.zs_ticket_outcomes.channel: column missing (expected type VARCHAR, found none)"],
        "zs_prompt_logs": ["raw.zs_prompt_logs: table raw.zs_prompt_logs does not exist"],
        "zs_draft_confidence": [
            "raw.zs_draft_confidence.confidence_score: wrong type (expected DOUBLE, found VARCHAR)"
        ],
    }
    assert not run.success


@pytest.mark.parametrize(
    ("expected", "found", "scale", "ok"),
    [
        ("INTEGER", "BIGINT", None, True),
        ("INTEGER", "NUMBER", 0, True),
        ("INTEGER", "NUMBER(38,2)", None, False),
        ("INTEGER", "DOUBLE", None, False),
        ("DOUBLE", "FLOAT", None, True),
        ("DOUBLE", "DECIMAL(18,3)", None, True),
        ("DOUBLE", "VARCHAR", None, False),
        ("VARCHAR", "TEXT", None, True),
        ("TIMESTAMP", "TIMESTAMP_NTZ", None, True),
        ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", None, False),
        ("TIMESTAMP", "DATE", None, False),
        ("BOOLEAN", "BOOLEAN", None, True),
    ],
)
def test_type_compatibility(expected, found, scale, ok):
    assert type_compatible(expected, found, scale) is ok


def test_stored_project_equals_what_generation_gives_now(tmp_path):
    limits = gp.load_limits()
    for table in c.TABLES:
        stored = (ROOT / "gx" / "expectations" / f"{table}.json").read_text()
        assert stored == gp.suite_text(table, limits), f"{table}: run `copilot-governance validate --write-suites`"
    # the whole project: regenerating a copy rewrites every committed file byte for byte
    committed = ROOT / "gx"
    copy = tmp_path / "gx"
    shutil.copytree(committed, copy, ignore=shutil.ignore_patterns("uncommitted"))
    assert main(["validate", "--write-suites", "--quiet", "--gx-dir", str(copy)]) == 0

    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and "uncommitted" not in p.relative_to(root).parts
        }

    assert files(copy) == files(committed), "run `copilot-governance validate --write-suites`"


def test_every_contract_rule_has_one_expectation():
    for table in c.TABLES:
        suite = json.loads((ROOT / "gx" / "expectations" / f"{table}.json").read_text())
        rules = [e["meta"]["rule"] for e in suite["expectations"]]
        assert sorted(rules) == sorted(["missing_columns", *c.rule_codes(table), *c.v11_rule_codes(table)])


def test_cli_exit_codes_and_printed_lines(gx_raw_dbs, gx_dir, capsys):
    base = ["validate", "--gx-dir", str(gx_dir), "--reference-time", "2025-02-20 00:00:00"]
    assert main([*base, "--db", str(gx_raw_dbs["clean"])]) == 0
    out = capsys.readouterr().out
    assert f"validating {gx_raw_dbs['clean']} (target duckdb, reference time 2025-02-20 00:00:00 UTC)" in out
    assert "raw.zs_ticket_outcomes: ok (" in out
    assert f"Data Docs: {gx_dir / 'uncommitted' / 'data_docs' / 'local_site' / 'index.html'}" in out

    assert main([*base, "--db", str(gx_raw_dbs["bad"])]) == 1
    lines = capsys.readouterr().out.splitlines()
    nulls = _independent_counts(gx_raw_dbs["bad"], "zs_ticket_outcomes")["null_ticket_id"]
    assert f"  raw.zs_ticket_outcomes | ticket_id | ticket_id is never null | {nulls} unexpected rows" in lines
    status = _independent_counts(gx_raw_dbs["bad"], "zs_prompt_logs")["invalid_status"]
    assert (
        f"  raw.zs_prompt_logs | status | status is one of ok, error, timeout, filtered | {status} unexpected rows"
        in lines
    )
    assert any(line.startswith("raw.zs_draft_confidence: FAILED (") for line in lines)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sample-rows", "100"], "--sample-rows was removed"),
        (["--reference-time", "yesterday"], "invalid reference time 'yesterday'"),
        (["--target", "snowflake", "--db", "x.duckdb"], "--db is for --target duckdb"),
        (["--target", "oracle"], "invalid choice: 'oracle'"),
    ],
)
def test_cli_usage_errors_exit_2(extra, message, gx_dir, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--gx-dir", str(gx_dir), *extra])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_a_missing_database_is_never_created(gx_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--gx-dir", str(gx_dir), "--db", "sub/none.duckdb"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"DuckDB database {tmp_path / 'sub' / 'none.duckdb'} does not exist" in err
    assert not (tmp_path / "sub").exists()


def test_paths_resolve_from_the_project_root_whatever_the_directory(gx_raw_dbs, gx_dir, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert gp.project_root() == ROOT
    assert gp.default_gx_dir() == ROOT / "gx"
    default = ROOT / "data" / "pilot.duckdb"
    if default.is_file():
        assert resolve_db_path(None) == default
    else:
        with pytest.raises(ValidationSetupError, match=f"DuckDB database {default} does not exist"):
            resolve_db_path(None)
    copy = tmp_path / "relative.duckdb"
    copy.write_bytes(gx_raw_dbs["clean"].read_bytes())
    assert resolve_db_path("relative.duckdb") == copy
    # the installed command, started from /, with an absolute --db
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "copilot-governance"),
            "validate",
            "--db",
            str(gx_raw_dbs["clean"]),
            "--gx-dir",
            str(gx_dir),
            "--reference-time",
            "2025-02-20T00:00:00Z",
        ],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "raw.zs_draft_confidence: ok (" in proc.stdout
    assert "leaked" not in proc.stderr  # duckdb's objects are released before exit


def test_reference_time_parsing():
    assert parse_reference_time("2025-02-20 06:30:00") == datetime(2025, 2, 20, 6, 30)
    assert parse_reference_time("2025-02-20T08:30:00+02:00") == datetime(2025, 2, 20, 6, 30)
    assert parse_reference_time("2025-02-20T06:30:00Z") == datetime(2025, 2, 20, 6, 30)
    assert parse_reference_time(None).tzinfo is None


PROFILE = {
    "SNOWFLAKE_ACCOUNT": "myorg-myaccount",
    "SNOWFLAKE_USER": "loader@example.com",
    "SNOWFLAKE_ROLE": "TRANSFORMER",
    "SNOWFLAKE_WAREHOUSE": "TRANSFORMING",
    "SNOWFLAKE_DATABASE": "ANALYTICS",
}


def test_snowflake_url_with_a_password():
    url = make_url(snowflake_url({**PROFILE, "SNOWFLAKE_PASSWORD": "p@ss/w:rd%", "PILOT_RAW_SCHEMA": "ZENDESK"}))
    assert (url.drivername, url.host, url.username, url.password) == (
        "snowflake",
        "myorg-myaccount",
        "loader@example.com",
        "p@ss/w:rd%",
    )
    assert url.database == "ANALYTICS/ZENDESK"
    assert dict(url.query) == {"role": "TRANSFORMER", "warehouse": "TRANSFORMING"}


def test_snowflake_url_with_a_key_pair_and_raw_database(tmp_path):
    key = tmp_path / "rsa_key.p8"
    key.write_text("-----BEGIN PRIVATE KEY-----\n")
    env = {
        **PROFILE,
        "SNOWFLAKE_PRIVATE_KEY_PATH": str(key),
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "secret",
        "SNOWFLAKE_PASSWORD": "ignored",
        "PILOT_RAW_DATABASE": "RAW",
    }
    url = make_url(snowflake_url(env))
    assert url.database == "RAW/raw"
    assert not url.password
    assert url.query["private_key_file"] == str(key) and url.query["private_key_file_pwd"] == "secret"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE"),
        (PROFILE, "SNOWFLAKE_PRIVATE_KEY_PATH or SNOWFLAKE_PASSWORD"),
        ({**PROFILE, "SNOWFLAKE_PASSWORD": "x", "PILOT_RAW_SCHEMA": "raw; drop"}, "is not a Snowflake identifier"),
        ({**PROFILE, "SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/key.p8"}, "is not a file"),
    ],
)
def test_snowflake_url_refuses_an_incomplete_profile(env, message):
    with pytest.raises(ValidationSetupError, match=message.replace("(", r"\(")):
        snowflake_url(env)


_EMULATED_VALIDATE = """
import sys
import fakesnow
from pytests.snowflake_emulator import fix_fakesnow_trim
from copilot_governance.cli import main
fix_fakesnow_trim()
with fakesnow.patch(db_path=sys.argv[1]):
    code = main(sys.argv[2:])
sys.exit(code)
"""


def test_snowflake_target_on_the_emulator_reports_what_duckdb_reports(gx_raw_dbs, gx_dir, tmp_path, capsys):
    """The `snowflake` datasource (snowflake-sqlalchemy) against fakesnow: the same failures as DuckDB."""
    state = tmp_path / "fakesnow"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SNOWFLAKE_", "PILOT_"))},
        "SNOWFLAKE_ACCOUNT": "fakesnow",
        "SNOWFLAKE_USER": "fake",
        "SNOWFLAKE_PASSWORD": "snow",
        "SNOWFLAKE_ROLE": "fake",
        "SNOWFLAKE_WAREHOUSE": "fake",
        "SNOWFLAKE_DATABASE": "PILOT",
        "PILOT_RAW_SCHEMA": "RAW",
        "PYTHONWARNINGS": "ignore",
    }
    load = [sys.executable, "-m", "pytests.snowflake_emulator", "--state-dir", str(state)]
    proc = subprocess.run(
        [*load, "load-raw", "--duckdb", str(gx_raw_dbs["bad"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    args = ["validate", "--gx-dir", str(gx_dir), "--reference-time", "2025-02-20 00:00:00"]
    proc = subprocess.run(
        [sys.executable, "-c", _EMULATED_VALIDATE, str(state), *args, "--target", "snowflake"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    assert "validating snowflake PILOT.RAW (target snowflake" in proc.stdout
    assert main([*args, "--db", str(gx_raw_dbs["bad"])]) == 1
    on_duckdb = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    on_snowflake = [line for line in proc.stdout.splitlines() if line.startswith("  ")]
    assert sorted(on_snowflake) == sorted(on_duckdb) and len(on_duckdb) > 40
