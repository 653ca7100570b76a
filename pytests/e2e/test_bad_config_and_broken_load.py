"""Bad configuration and a broken load stop before any model runs, with a message that says what to
fix; a value that cannot be read is quarantined; nothing configuration holds ever runs as SQL
(issue 9, raw-sources.md v1.1)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_runner import PROJECT_ROOT, run_dbt
from pytests.scenario import Scenario, generate

pytestmark = pytest.mark.e2e

# The oracle of an identifier, written independently of macros/project_vars.sql.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,254}")
IDENTIFIER_VARS = ("raw_database", "raw_schema", "analyst_role")
NUMBER_VARS = {  # name: (whole, min, max)
    "minor_edit_max": (False, 0, 1),
    "wilson_z": (False, 0.01, 10),
    "go_no_go_stop_acceptance_below": (False, 0, 1),
    "max_future_days_after_load": (True, 0, 365),
    "min_drafts": (True, 1, 1_000_000),
    "min_band_drafts": (True, 1, 1_000_000),
}
DEFAULTS = {
    "raw_database": "pilot",  # the target's database: the file's name
    "raw_schema": "raw",
    "analyst_role": "ANALYST",
    "minor_edit_max": "0.2",
    "wilson_z": "1.96",
    "go_no_go_stop_acceptance_below": "0.4",
    "max_future_days_after_load": "1",
    "min_drafts": "30",
    "min_band_drafts": "10",
    "as_of_date": (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat(),
}
HOSTILE_PIECES = [
    "'",
    '"',
    ";",
    "--",
    "/*",
    "*/",
    "\\",
    "`",
    " ",
    "\t",
    "\n",
    "\r",
    "\x00",
    ".",
    "$",
    "ä",
    "Ω",
    "😀",
    "\u202e",
    "\u200b",
    "٣",
    "drop table x",
    " union all select 1",
    'raw"."zs_prompt_logs" where false union all select',
    "0.2-",
    "1e3",
    "0x10",
    "Infinity",
    "NaN",
    "",
]


def hostile_strings(rng: random.Random, count: int) -> list[str]:
    """Generated hostile strings: hostile pieces around valid names and numbers, plus edge lengths."""
    out = ["", " ", "raw", "RAW_2", "_x$1", "a" * 255, "a" * 256, "raw\n", "\nraw", "raw;", "1.5", " 0.3 ", "7"]
    alphabet = [*HOSTILE_PIECES, "raw", "analyst", "0", "1", "0.25", "9", "_", "a", "Z"]
    for _ in range(count):
        out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))))
    out.append("x" * 5000 + "'; drop table raw.zs_prompt_logs; --")
    return out


def expected_number(text: str, whole: bool, low: float, high: float) -> float | None:
    stripped = text.strip()
    pattern = r"-?[0-9]+" if whole else r"-?([0-9]+([.][0-9]*)?|[.][0-9]+)"
    if not re.fullmatch(pattern, stripped):
        return None
    value = float(stripped)
    return value if low <= value <= high else None


def expected_date(text: str) -> str | None:
    stripped = text.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", stripped):
        return None
    try:
        day = dt.date.fromisoformat(stripped)
    except ValueError:
        return None
    return stripped if dt.date(2000, 1, 1) <= day <= dt.datetime.now(dt.UTC).date() else None


def expected_timestamp(text: str) -> str | None:
    stripped = text.strip().replace("T", " ")
    match = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})( ([0-9]{2}):([0-9]{2})(:([0-9]{2}))?)?", stripped)
    if not match:
        return None
    try:
        moment = dt.datetime.fromisoformat(f"{match[1]} {match[3] or '00'}:{match[4] or '00'}:{match[6] or '00'}")
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment.year >= 2000 else None


@pytest.fixture(scope="module")
def raw_db(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(
        tmp_path_factory.mktemp("broken_load"),
        "--seed",
        "5",
        "--start-date",
        "2026-09-01",
        "--end-date",
        "2026-09-07",
        "--tickets-per-day",
        "200",
    )


def copy_of(raw_db: Scenario, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(raw_db.db_path, copy)
    return copy


def tables_outside_raw(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_schema <> 'raw'"
        ).fetchall()
    return [r[0] for r in rows]


def test_generated_hostile_strings_are_rejected_or_safely_quoted(raw_db, tmp_path):
    """Every var that reaches SQL, hundreds of generated strings, one dbt invocation."""
    rng = random.Random(20261202)
    strings = hostile_strings(rng, 120)
    cases = [{"name": n, "value": s} for n in IDENTIFIER_VARS for s in strings]
    cases += [{"name": n, "value": s} for n in NUMBER_VARS for s in strings[:80]]
    cases += [{"name": "as_of_date", "value": s} for s in [*strings[:80], "2026-09-07", "2026-02-30", "9999-12-31"]]
    cases += [{"name": "reference_time", "value": s} for s in [*strings[:80], "2026-09-08 06:00", "2026-09-08 24:00"]]
    result = run_dbt(
        ["run-operation", "check_project_var_values", "--args", json.dumps({"cases": cases}, ensure_ascii=False)],
        raw_db.db_path,
        tmp_path,
    )
    assert result.returncode == 0, result.output[-3000:]
    line = next(x for x in result.output.splitlines() if "CHECK_PROJECT_VAR_VALUES:" in x)
    results = json.loads(line.split("CHECK_PROJECT_VAR_VALUES:", 1)[1])
    assert len(results) == len(cases)
    accepted_identifiers = 0
    for case, got in zip(cases, results, strict=True):
        name, value = case["name"], case["value"]
        assert got["name"] == name and got["value"] == value
        if got["accepted"]:
            assert "message" not in got
        else:
            assert got["message"].startswith(f"Invalid value for var '{name}'"), got
        if value == "":  # unset: the default (reference_time: the time the run started)
            assert got["accepted"], got
            assert got["validated"] == DEFAULTS[name] if name in DEFAULTS else expected_timestamp(got["validated"])
            continue
        if name in IDENTIFIER_VARS:
            assert got["accepted"] == bool(IDENTIFIER.fullmatch(value)), got
            if got["accepted"]:
                accepted_identifiers += 1
                # quoted the adapter's way, and nothing else in it
                assert got["relation"] == f'"pilot"."{value}"."zs_prompt_logs"', got
        elif name in NUMBER_VARS:
            want = expected_number(value, *NUMBER_VARS[name])
            assert got["accepted"] == (want is not None), got
            if want is not None:
                assert float(got["validated"]) == pytest.approx(want)
        elif name == "as_of_date":
            assert got["accepted"] == (expected_date(value) is not None), got
        else:
            assert got["accepted"] == (expected_timestamp(value) is not None), got
            if got["accepted"]:
                assert got["validated"] == expected_timestamp(value)
    assert accepted_identifiers >= 3 * 4  # the valid names in the corpus were accepted
    assert sum(not r["accepted"] for r in results) > len(results) / 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PILOT_RAW_SCHEMA": 'raw"."zs_prompt_logs" where false union all select 1; --'},
            'Invalid value for env var PILOT_RAW_SCHEMA (var \'raw_schema\'): "raw\\".\\"zs_prompt_logs\\" where',
        ),
        (
            {"PILOT_ANALYST_ROLE": "ANALYST; grant role accountadmin to user x"},
            "Invalid value for env var PILOT_ANALYST_ROLE (var 'analyst_role'): \"ANALYST; grant role accountadmin",
        ),
    ],
    ids=["raw-schema", "analyst-role"],
)
def test_hostile_env_vars_stop_the_run_and_never_reach_sql(raw_db, tmp_path, env, message):
    copy = copy_of(raw_db, tmp_path)
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], copy, tmp_path, extra_env=env)
    assert result.returncode != 0
    assert message in result.output, result.output[-3000:]
    assert tables_outside_raw(copy) == []
    # the check runs as the project is parsed: no command gets as far as SQL (dbt ls, compile, show...)
    listed = run_dbt(["ls", "--resource-type", "source"], copy, tmp_path, extra_env=env)
    assert listed.returncode != 0 and message in listed.output


def test_broken_load_stops_before_any_model_naming_table_column_and_types(raw_db, tmp_path):
    copy = copy_of(raw_db, tmp_path)
    with duckdb.connect(str(copy)) as con:
        con.execute("drop table raw.zs_prompt_logs")
        con.execute("alter table raw.zs_draft_confidence drop column edit_distance_ratio")
        con.execute(
            "alter table raw.zs_draft_confidence alter confidence_score type boolean using confidence_score > 0"
        )
    # the full build, unit tests included: the pre-flight speaks before any fixture could
    result = run_dbt(["build"], copy, tmp_path)
    assert result.returncode != 0
    assert (
        "The raw load is broken (contract shared/contract/raw-sources.md v1.1), looked in DuckDB file "
        f"{copy}, schema raw:\n"
        "    - table zs_prompt_logs does not exist\n"
        "    - column zs_draft_confidence.confidence_score is boolean; type expected: double"
        " (or text that reads as double)\n"
        "    - table zs_draft_confidence has no column edit_distance_ratio (type expected: double)\n"
        "  Fix the load"
    ) in result.output, result.output[-3000:]
    assert "unit test fixture" not in result.output and "Binder Error" not in result.output
    assert tables_outside_raw(copy) == []


def test_unreadable_text_values_are_quarantined_and_the_count_holds(raw_db, tmp_path):
    copy = copy_of(raw_db, tmp_path)
    with duckdb.connect(str(copy)) as con:
        con.execute("alter table raw.zs_ticket_outcomes alter copilot_enabled type varchar")
        con.execute("alter table raw.zs_draft_confidence alter confidence_score type varchar")
        (maybe_ticket,) = con.execute(
            "select min(ticket_id) from raw.zs_ticket_outcomes where ticket_id like 'ZT-%'"
        ).fetchone()
        con.execute("update raw.zs_ticket_outcomes set copilot_enabled = 'maybe' where ticket_id = ?", [maybe_ticket])
        con.execute(
            "update raw.zs_ticket_outcomes set copilot_enabled = 'TRUE' where ticket_id = ("
            "select max(ticket_id) from raw.zs_ticket_outcomes where copilot_enabled = 'true')"
        )
        (high_draft,) = con.execute("select min(draft_id) from raw.zs_draft_confidence").fetchone()
        con.execute("update raw.zs_draft_confidence set confidence_score = 'high' where draft_id = ?", [high_draft])
        raw_keys = con.execute("select count(distinct ticket_id) from raw.zs_ticket_outcomes").fetchone()[0]
    result = run_dbt(
        [
            "build",
            "--select",
            "+audit_quarantined_rows",
            "+audit_load_reconciliation",
            "--exclude",
            "resource_type:unit_test",
        ],
        copy,
        tmp_path,
        dbt_vars={"reference_time": "2026-09-08 06:00:00"},
    )
    assert result.returncode == 0, result.output[-3000:]
    with duckdb.connect(str(copy), read_only=True) as con:
        reasons = dict(
            con.execute(
                "select record_key, failed_rules from audit.audit_quarantined_rows"
                " where failed_rules like '%unreadable%'"
            ).fetchall()
        )
        assert reasons == {maybe_ticket: "unreadable_copilot_enabled", high_draft: "unreadable_confidence_score"}
        staged = con.execute(
            "select count(*), count(*) filter (where ticket_id = ?) from staging.stg_copilot__ticket_outcomes",
            [maybe_ticket],
        ).fetchone()
        assert staged[1] == 0 and staged[0] > raw_keys * 0.9
        assert con.execute("select bool_and(is_reconciled) from audit.audit_load_reconciliation").fetchone()[0] is True


def test_a_database_path_that_does_not_exist_is_named_and_never_created(tmp_path):
    missing = tmp_path / "mistyped" / "pilot.duckbd"
    result = run_dbt(["build", "--exclude", "resource_type:unit_test"], missing, tmp_path)
    assert result.returncode != 0
    assert f"The DuckDB database {missing} does not exist" in result.output, result.output[-3000:]
    assert not missing.exists() and not missing.parent.exists()


def test_a_relative_path_resolves_against_the_project_from_any_directory(raw_db, tmp_path):
    # cron: another working directory, --project-dir, a relative PILOT_DUCKDB_PATH
    relative = Path("data") / "no-such-file-for-this-test.duckdb"
    result = run_dbt(["run-operation", "preflight_raw_load"], str(relative), tmp_path, cwd=Path("/"))
    assert result.returncode != 0
    assert f"The DuckDB database {PROJECT_ROOT / relative} does not exist" in result.output, result.output[-3000:]
    assert not (PROJECT_ROOT / relative).exists()
    # the same relative spelling of an existing file works from / as from the project
    existing = os.path.relpath(raw_db.db_path, PROJECT_ROOT)
    result = run_dbt(
        ["run-operation", "preflight_raw_load", "--args", "{force: true}"], existing, tmp_path, cwd=Path("/")
    )
    assert result.returncode == 0, result.output[-3000:]
