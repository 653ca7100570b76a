"""End to end: generated raw data with planted bad rows, re-deliveries, late rows and new values,
built by `dbt build` on DuckDB; staging, quarantine, reconciliation and unmapped values are checked
against an independent reading of the raw rows in Python."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb
import pytest

from pytests.dbt_runner import run_dbt
from pytests.scenario import Scenario, build, generate

pytestmark = pytest.mark.e2e

KEYS = {"zs_ticket_outcomes": "ticket_id", "zs_prompt_logs": "prompt_id", "zs_draft_confidence": "draft_id"}
STAGING = {
    "zs_ticket_outcomes": "staging.stg_copilot__ticket_outcomes",
    "zs_prompt_logs": "staging.stg_copilot__prompt_logs",
    "zs_draft_confidence": "staging.stg_copilot__draft_confidence",
}
# The raw source contract, written out independently of the project's macro.
NOT_NULL = {
    "zs_ticket_outcomes": [
        "ticket_id",
        "created_at",
        "updated_at",
        "queue",
        "region",
        "channel",
        "copilot_enabled",
        "escalated",
        "_loaded_at",
    ],
    "zs_prompt_logs": [
        "prompt_id",
        "ticket_id",
        "logged_at",
        "processing_region",
        "model",
        "prompt_template_version",
        "input_tokens",
        "output_tokens",
        "latency_ms",
        "status",
        "pii_detected",
        "pii_redacted",
        "jailbreak_flag",
        "_loaded_at",
    ],
    "zs_draft_confidence": [
        "draft_id",
        "ticket_id",
        "prompt_id",
        "intent",
        "confidence_score",
        "drafted_at",
        "suggestion_mode",
        "_loaded_at",
    ],
}
NON_NEGATIVE = {
    "zs_ticket_outcomes": ["handle_time_seconds", "agent_replies", "reopens"],
    "zs_prompt_logs": ["input_tokens", "output_tokens", "latency_ms"],
    "zs_draft_confidence": [],
}
UNIT_INTERVAL = {"zs_draft_confidence": ["confidence_score", "edit_distance_ratio"]}
TIMESTAMPS = {
    "zs_ticket_outcomes": ["created_at", "updated_at", "solved_at"],
    "zs_prompt_logs": ["logged_at"],
    "zs_draft_confidence": ["drafted_at", "sent_at"],
}
ENUMS = {
    "zs_ticket_outcomes": {"resolved_by": {"agent", "self_service"}, "satisfaction_rating": {"good", "bad", "offered"}},
    "zs_prompt_logs": {"status": {"ok", "error", "timeout", "filtered"}},
    "zs_draft_confidence": {
        "suggestion_mode": {"auto_suggest", "human_review", "suppressed"},
        "agent_action": {"accepted", "edited", "rejected"},
    },
}
KNOWN = {
    "queue": {"billing", "shipping-updates", "returns", "account-access", "technical", "faq"},
    "region": {"NA", "EU", "UK", "APAC", "JP", "ANZ", "LATAM", "MEA"},
    "model": {"gpt-4o", "gpt-4o-mini"},
    "processing_region": {
        "us-east",
        "westeurope",
        "uksouth",
        "southeastasia",
        "japaneast",
        "australiaeast",
        "brazilsouth",
        "uaenorth",
    },
}


def broken_rules(table: str, row: dict) -> list[str]:
    rules = [f"null_{c.lstrip('_')}" for c in NOT_NULL[table] if row[c] is None]
    rules += [f"negative_{c}" for c in NON_NEGATIVE[table] if row[c] is not None and row[c] < 0]
    rules += [f"{c}_out_of_range" for c in UNIT_INTERVAL.get(table, []) if row[c] is not None and not 0 <= row[c] <= 1]
    if row["_loaded_at"] is not None:
        limit = row["_loaded_at"] + dt.timedelta(days=1)
        rules += [f"future_{c}" for c in TIMESTAMPS[table] if row[c] is not None and row[c] > limit]
    if (
        table == "zs_ticket_outcomes"
        and row["solved_at"]
        and row["created_at"]
        and row["solved_at"] < row["created_at"]
    ):
        rules.append("solved_before_created")
    rules += [f"invalid_{c}" for c, allowed in ENUMS[table].items() if row[c] is not None and row[c] not in allowed]
    return sorted(rules)


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def latest_rows(rows: list[dict], table: str) -> list[dict]:
    """The latest delivery per key (latest _loaded_at, then updated_at); null keys stand alone."""
    key = KEYS[table]
    by_key: dict[object, list[dict]] = defaultdict(list)
    alone = []
    for row in rows:
        (alone.append(row) if row[key] is None else by_key[row[key]].append(row))

    def order(r: dict) -> tuple:
        return (r["_loaded_at"] or dt.datetime.min, r.get("updated_at") or dt.datetime.min)

    return alone + [max(group, key=order) for group in by_key.values()]


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
    # The as-of day is the last generated day: a later one has no data and fails data_completeness.
    result = build(scenario, dbt_vars={"as_of_date": "2026-09-14"})
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
    expected = {r[KEYS[table]]: r for r in latest_rows(raw[table], table) if not broken_rules(table, r)}
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
        for row in latest_rows(rows, table):
            rules = broken_rules(table, row)
            if rules:
                expected.append((table, row[KEYS[table]], ",".join(rules), row["_loaded_at"]))
    actual = [
        (r["source_table"], r["record_key"], r["failed_rules"], r["loaded_at"])
        for r in fetch(con, "select * from audit.quarantined_rows")
    ]
    assert sorted(actual, key=str) == sorted(expected, key=str)


def test_every_planted_rule_is_quarantined_under_its_code(con, built):
    planted = built.manifest["bad_rows"]
    quarantined = fetch(con, "select * from audit.quarantined_rows")
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
    assert codes == all_codes, f"missing: {all_codes - codes}, unexpected: {codes - all_codes}"
    assert any(r["has_multiple_failures"] for r in quarantined)


def test_reconciliation_counts(con, raw, built):
    rows = {r["source_table"]: r for r in fetch(con, "select * from audit.load_reconciliation")}
    for table in KEYS:
        latest = latest_rows(raw[table], table)
        bad = [r for r in latest if broken_rules(table, r)]
        row = rows[table]
        assert row["rows_delivered"] == len(raw[table]) == built.manifest["row_counts"][table]
        assert row["latest_rows_read"] == len(latest) == built.manifest["latest_row_counts"][table]
        assert row["rows_quarantined"] == len(bad)
        assert row["rows_staged"] == len(latest) - len(bad)
        assert row["superseded_deliveries"] == len(raw[table]) - len(latest) > 0
        assert row["is_reconciled"] is True


def test_unmapped_values_list_exactly_the_new_values(con, raw, built):
    valid_tickets = [
        r
        for r in latest_rows(raw["zs_ticket_outcomes"], "zs_ticket_outcomes")
        if not broken_rules("zs_ticket_outcomes", r)
    ]
    valid_calls = [
        r for r in latest_rows(raw["zs_prompt_logs"], "zs_prompt_logs") if not broken_rules("zs_prompt_logs", r)
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
        for r in fetch(con, "select * from audit.unmapped_values")
        if r["dimension"] != "intent"
    }
    assert actual == expected
    planted = {(u["dimension"], u["value"]) for u in built.manifest["unmapped"]}
    assert {p for p in planted if p[0] != "intent"} <= actual
    intents = {
        r["unmapped_value"] for r in fetch(con, "select * from audit.unmapped_values where dimension = 'intent'")
    }
    assert {p[1] for p in planted if p[0] == "intent"} <= intents
    assert expected, "the default scenario plants new values"


def test_reconciliation_test_fails_when_a_row_goes_missing(built, tmp_path):
    """Tamper with the built warehouse: a raw row that neither staging nor the quarantine table holds."""
    copy = tmp_path / "tampered.duckdb"
    copy.write_bytes(built.db_path.read_bytes())
    with duckdb.connect(str(copy)) as con:
        # The quarantine is a table built before this row arrived; staging (a view) rejects it.
        con.execute(
            "insert into raw.zs_prompt_logs (prompt_id, ticket_id, _loaded_at) "
            "values ('late-bad', 'x', timestamp '2026-09-14 00:00:00')"
        )
    result = run_dbt(["test", "--select", "stg_copilot__prompt_logs,test_name:reconciles_with_source"], copy, tmp_path)
    assert result.returncode != 0
    failing = result.failing("fail")
    assert len(failing) == 1 and "reconciles_with_source" in failing[0] and "prompt_logs" in failing[0]


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
    assert "ERROR STALE" in result.output
