"""End to end: generated raw data with planted bad rows, re-deliveries, late rows and new values,
built by `dbt build` on DuckDB; staging, quarantine, reconciliation and unmapped values are checked
against an independent reading of the raw rows in Python."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from pytests.contract_oracle import (
    ENUMS,
    KEYS,
    KNOWN,
    NON_NEGATIVE,
    NOT_NULL,
    STAGING,
    TIMESTAMPS,
    UNIT_INTERVAL,
    broken_rules,
    fetch,
)
from pytests.contract_oracle import participating as _participating
from pytests.contract_oracle import split_rows as _split_rows
from pytests.dbt_runner import run_dbt
from pytests.scenario import Scenario, build, generate

pytestmark = pytest.mark.e2e


def split_rows(rows: list[dict], table: str) -> tuple[list[dict], list[dict]]:
    return _split_rows(rows, table, REFERENCE_TIME)


def participating(rows: list[dict], table: str) -> list[dict]:
    return _participating(rows, table, REFERENCE_TIME)


# v1.1 hostile rows added to the generated raw tables (the generator plants the v1 rules), each a
# copy of a valid row: (table, SQL for the copy's changed columns, a filter picking the template).
REFERENCE_TIME = dt.datetime(2026, 9, 15, 6, 0, 0)
# the template: the latest delivery of the first valid, solved, rated control ticket
TEMPLATE_TICKET = (
    "select * from raw.zs_ticket_outcomes where ticket_id = (select min(ticket_id) from raw.zs_ticket_outcomes"
    " where not copilot_enabled and solved_at is not null and handle_time_seconds > 0"
    " and satisfaction_rating in ('good', 'bad') and ticket_id like 'ZT-%') order by _loaded_at desc limit 1"
)
HOSTILE_ROWS = [
    # a re-delivery of a valid ticket with a null _loaded_at, and one loaded "in 2200": neither wins
    ("zs_ticket_outcomes", {"_loaded_at": "null", "agent_replies": "agent_replies + 7"}),
    ("zs_ticket_outcomes", {"_loaded_at": "timestamp '2200-01-01 00:00:00'", "agent_replies": "agent_replies + 8"}),
    # untrimmed, tab-led and blank keys: never the valid ticket, never a new one, never merged
    ("zs_ticket_outcomes", {"ticket_id": "ticket_id || ' '"}),
    ("zs_ticket_outcomes", {"ticket_id": "chr(9) || ticket_id"}),
    ("zs_ticket_outcomes", {"ticket_id": "'   '"}),
    ("zs_ticket_outcomes", {"ticket_id": "'   '", "queue": "'returns'"}),
    ("zs_ticket_outcomes", {"ticket_id": "''"}),
    # implausible values on new keys: the latest delivery is quarantined (not on its own)
    ("zs_ticket_outcomes", {"ticket_id": "'ZT-HOSTILE-1'", "handle_time_seconds": "2147483647"}),
    ("zs_ticket_outcomes", {"ticket_id": "'ZT-HOSTILE-2'", "created_at": "timestamp '1999-12-31 23:00:00'"}),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = generate(
        tmp_path_factory.mktemp("foundation"),
        "--seed",
        "11",
        "--start-date",
        "2026-09-01",
        "--end-date",
        "2026-09-14",
        "--tickets-per-day",
        "600",
    )
    with duckdb.connect(str(scenario.db_path)) as con:
        con.execute(f"create temp table template as {TEMPLATE_TICKET}")
        columns = [r[0] for r in con.execute("describe raw.zs_ticket_outcomes").fetchall()]
        for table, changes in HOSTILE_ROWS:
            select = ", ".join(f"{changes[c]} as {c}" if c in changes else c for c in columns)
            con.execute(f"insert into raw.{table} select {select} from template")
    # The as-of day is the last generated day: a later one has no data and fails data_completeness.
    result = build(
        scenario, dbt_vars={"as_of_date": "2026-09-14", "reference_time": REFERENCE_TIME.strftime("%Y-%m-%d %H:%M:%S")}
    )
    assert result.returncode == 0, result.output[-5000:]
    return scenario


@pytest.fixture(scope="module")
def con(built: Scenario):
    connection = duckdb.connect(str(built.db_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def raw(con) -> dict[str, list[dict]]:
    return {table: fetch(con, f"select * from raw.{table}") for table in KEYS}


@pytest.mark.parametrize("table", list(KEYS))
def test_staging_holds_exactly_the_valid_latest_rows(con, raw, table):
    latest, _ = split_rows(raw[table], table)
    expected = {r[KEYS[table]]: r for r in latest if not broken_rules(table, r, REFERENCE_TIME)}
    staged = {r[KEYS[table]]: r for r in fetch(con, f"select * from {STAGING[table]}")}
    assert staged.keys() == expected.keys()
    for key, row in staged.items():
        assert row["loaded_at"] == expected[key]["_loaded_at"], key
        if table == "zs_ticket_outcomes":
            assert row["updated_at"] == expected[key]["updated_at"], key
            assert row["satisfaction_rating"] == expected[key]["satisfaction_rating"], key
            assert row["solved_at"] == expected[key]["solved_at"], key
        if table == "zs_draft_confidence":
            assert row["agent_action"] == expected[key]["agent_action"], key


def test_redelivery_winners_match_the_manifest(con, built):
    redeliveries = built.manifest["redeliveries"]
    kinds = {r["kind"] for r in redeliveries}
    assert {"identical", "update", "same_loaded_at_tie", "agent_action"} <= kinds
    staged = {table: {r[KEYS[table]]: r for r in fetch(con, f"select * from {STAGING[table]}")} for table in KEYS}
    checked = 0
    for redelivery in redeliveries:
        row = staged[redelivery["table"]].get(redelivery["key"])
        if row is None:  # the winner may itself be bad input; the quarantine test covers it
            continue
        assert row["loaded_at"] == dt.datetime.fromisoformat(redelivery["winner_loaded_at"]), redelivery
        assert row["delivery_count"] >= 2, redelivery
        if redelivery["winner_updated_at"]:
            assert row["updated_at"] == dt.datetime.fromisoformat(redelivery["winner_updated_at"]), redelivery
        checked += 1
    assert checked >= 10


def test_quarantine_holds_every_bad_row_with_all_its_reasons(con, raw):
    expected = []
    for table, rows in raw.items():
        latest, alone = split_rows(rows, table)
        for row, is_alone in [(r, False) for r in latest] + [(r, True) for r in alone]:
            rules = broken_rules(table, row, REFERENCE_TIME)
            if rules:
                expected.append((table, row[KEYS[table]], ",".join(rules), row["_loaded_at"], is_alone))
    actual = [
        (r["source_table"], r["record_key"], r["failed_rules"], r["loaded_at"], r["is_quarantined_on_its_own"])
        for r in fetch(con, "select * from audit.audit_quarantined_rows")
    ]
    assert sorted(actual, key=str) == sorted(expected, key=str)
    # every v1.1 hostile row is there, under the reason the contract gives it
    hostile = {(r[1], r[2], r[4]) for r in actual if r[0] == "zs_ticket_outcomes"}
    assert {("   ", "blank_ticket_id", True), ("", "blank_ticket_id", True)} <= hostile
    assert sum(1 for r in actual if r[1] == "   ") == 2  # two rows keyed '   ' stay two rows
    assert any(k.endswith(" ") and rules == "untrimmed_ticket_id" and alone for k, rules, alone in hostile if k)
    assert any(k.startswith("\t") and rules == "untrimmed_ticket_id" and alone for k, rules, alone in hostile if k)
    assert ("ZT-HOSTILE-1", "implausible_handle_time_seconds", False) in hostile
    assert ("ZT-HOSTILE-2", "implausible_created_at", False) in hostile
    assert {rules for _, rules, alone in hostile if alone} >= {"null_loaded_at", "implausible_loaded_at"}


def test_every_planted_rule_is_quarantined_under_its_code(con, built):
    planted = built.manifest["bad_rows"]
    quarantined = fetch(con, "select * from audit.audit_quarantined_rows")
    by_key = {(r["source_table"], r["record_key"]): r["failed_rules"].split(",") for r in quarantined}
    for bad in planted:
        if bad["key"] is None:
            assert any(
                r["source_table"] == bad["table"]
                and r["record_key"] is None
                and r["failed_rules"].split(",") == bad["rules"]
                for r in quarantined
            ), bad
        else:
            assert by_key[(bad["table"], bad["key"])] == sorted(bad["rules"]), bad
    codes = {rule for r in quarantined for rule in r["failed_rules"].split(",")}
    all_codes = set()
    for table in KEYS:
        all_codes |= {f"null_{c.lstrip('_')}" for c in NOT_NULL[table]}
        all_codes |= {f"negative_{c}" for c in NON_NEGATIVE[table]}
        all_codes |= {f"{c}_out_of_range" for c in UNIT_INTERVAL.get(table, [])}
        all_codes |= {f"future_{c}" for c in TIMESTAMPS[table]}
        all_codes |= {f"invalid_{c}" for c in ENUMS[table]}
    all_codes.add("solved_before_created")
    # the v1.1 rows added to the scenario
    all_codes |= {"blank_ticket_id", "untrimmed_ticket_id", "implausible_loaded_at"}
    all_codes |= {"implausible_handle_time_seconds", "implausible_created_at"}
    assert codes == all_codes, f"missing: {all_codes - codes}, unexpected: {codes - all_codes}"
    assert any(r["has_multiple_failures"] for r in quarantined)


def test_reconciliation_counts(con, raw, built):
    rows = {r["source_table"]: r for r in fetch(con, "select * from audit.audit_load_reconciliation")}
    added = {table: sum(1 for t, _ in HOSTILE_ROWS if t == table) for table in KEYS}
    for table in KEYS:
        latest, alone = split_rows(raw[table], table)
        bad = [r for r in latest if broken_rules(table, r, REFERENCE_TIME)]
        row = rows[table]
        # rows read = rows staged + latest deliveries quarantined + superseded + quarantined on their own
        assert row["rows_read"] == len(raw[table]) == built.manifest["row_counts"][table] + added[table]
        assert row["latest_deliveries_quarantined"] == len(bad)
        assert row["rows_staged"] == len(latest) - len(bad)
        assert row["superseded_deliveries"] == len(participating(raw[table], table)) - len(latest) > 0
        assert row["rows_quarantined_on_own"] == len(alone)
        assert row["rows_read"] == row["rows_staged"] + len(bad) + row["superseded_deliveries"] + len(alone)
        assert row["is_reconciled"] is True
    assert rows["zs_ticket_outcomes"]["rows_quarantined_on_own"] >= 7


def test_unmapped_values_list_exactly_the_new_values(con, raw, built):
    valid_tickets = [
        r
        for r in split_rows(raw["zs_ticket_outcomes"], "zs_ticket_outcomes")[0]
        if not broken_rules("zs_ticket_outcomes", r, REFERENCE_TIME)
    ]
    valid_calls = [
        r
        for r in split_rows(raw["zs_prompt_logs"], "zs_prompt_logs")[0]
        if not broken_rules("zs_prompt_logs", r, REFERENCE_TIME)
    ]
    expected = {("queue", t["queue"]) for t in valid_tickets if t["queue"] not in KNOWN["queue"]}
    expected |= {("region", t["region"]) for t in valid_tickets if t["region"] not in KNOWN["region"]}
    expected |= {("model", c["model"]) for c in valid_calls if c["model"] not in KNOWN["model"]}
    expected |= {
        ("processing_region", c["processing_region"])
        for c in valid_calls
        if c["processing_region"] not in KNOWN["processing_region"]
    }
    actual = {
        (r["dimension"], r["unmapped_value"])
        for r in fetch(con, "select * from audit.audit_unmapped_values")
        if r["dimension"] != "intent"
    }
    assert actual == expected
    planted = {(u["dimension"], u["value"]) for u in built.manifest["unmapped"]}
    assert {p for p in planted if p[0] != "intent"} <= actual
    intents = {
        r["unmapped_value"] for r in fetch(con, "select * from audit.audit_unmapped_values where dimension = 'intent'")
    }
    assert {p[1] for p in planted if p[0] == "intent"} <= intents
    assert expected, "the default scenario plants new values"


def test_reconciliation_fails_when_a_row_goes_missing(built, tmp_path):
    """Tamper with the built warehouse: a latest delivery lost between the raw table and staging.
    The reconciliation counts what the base models record, so the lost row leaves it balanced; its
    proof against the raw tables (assert_load_reconciliation_counts_raw_rows) fails, naming the
    table and both counts."""
    copy = tmp_path / "tampered.duckdb"
    copy.write_bytes(built.db_path.read_bytes())
    with duckdb.connect(str(copy)) as con:
        raw_rows = con.execute("select count(*) from raw.zs_prompt_logs").fetchall()[0][0]
        con.execute(
            "delete from staging.base_copilot__prompt_logs where prompt_id = "
            "(select min(prompt_id) from staging.base_copilot__prompt_logs "
            "where failed_rule_count = 0 and delivery_count = 1)"
        )
    result = run_dbt(["build", "--select", "audit_load_reconciliation"], copy, tmp_path)
    assert result.returncode != 0
    failing = result.failing("fail")
    assert len(failing) == 1 and "assert_load_reconciliation_counts_raw_rows" in failing[0], failing
    with duckdb.connect(str(copy), read_only=True) as con:
        evidence = con.execute(
            "select source_table, raw_rows, rows_read from audit.assert_load_reconciliation_counts_raw_rows"
        ).fetchall()
    assert evidence == [("zs_prompt_logs", raw_rows, raw_rows - 1)]


def test_bad_variable_stops_the_run_before_any_model(built, tmp_path):
    result = run_dbt(["build"], built.db_path, tmp_path, dbt_vars={"minor_edit_max": "lots"})
    assert result.returncode != 0
    assert "Invalid value for var 'minor_edit_max'" in result.output
    assert not any(uid.startswith("model.") for uid in result.statuses())


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        # a typo is never a number: '0.2-' used to compile to 0.0 (acceptance fell from 62.7% to 45.1%)
        ({"minor_edit_max": "0.2-"}, "Invalid value for var 'minor_edit_max': '0.2-'. Expected a number from 0 to 1"),
        ({"min_drafts": "3-"}, "Invalid value for var 'min_drafts': '3-'. Expected a whole number from 1 to 1000000"),
        # a mistyped name used to be ignored (and yesterday evaluated)
        ({"as_off_date": "2026-09-14"}, "Unknown var 'as_off_date' (did you mean 'as_of_date'?). Known vars:"),
        ({"as_of_date": "9999-12-31"}, "Invalid value for var 'as_of_date': '9999-12-31' is outside 2000-01-01 to"),
        ({"reference_time": "2026-09-15 25:00"}, "Invalid value for var 'reference_time': '2026-09-15 25:00'"),
    ],
    ids=["trailing-minus", "whole-trailing-minus", "unknown-name", "far-future", "bad-timestamp"],
)
def test_mistyped_vars_stop_the_run_before_any_model(built, tmp_path, dbt_vars, message):
    result = run_dbt(["run", "--select", "int_governance__signal_config"], built.db_path, tmp_path, dbt_vars=dbt_vars)
    assert result.returncode != 0
    assert message in result.output, result.output[-2000:]
    assert not any(uid.startswith("model.") for uid in result.statuses())


def test_source_freshness_flags_a_stale_load(built, tmp_path):
    # The scenario ends in September 2026: its newest load is weeks old, beyond error_after.
    result = run_dbt(["source", "freshness"], built.db_path, tmp_path)
    assert result.returncode != 0
    # all three, the tickets too: the ticket "loaded in 2200" (HOSTILE_ROWS) does not make them fresh
    stale = set(re.findall(r"ERROR STALE freshness of copilot_raw\.(\w+)", result.output))
    assert stale == set(KEYS), result.output[-3000:]
