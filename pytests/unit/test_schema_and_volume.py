"""The raw tables have exactly the contract's columns and types, the volume asked for, and
timestamps that follow from the date range only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copilot_governance.generator import (
    GeneratorConfig,
    generate,
    write_duckdb,
    write_manifest,
    write_parquet,
)

from .checks import CALLS, DRAFTS, TICKETS
from .conftest import END, START_56

# The contract (raw-sources.md v1), written out: column, DuckDB type.
CONTRACT = {
    TICKETS: [
        ("ticket_id", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
        ("solved_at", "TIMESTAMP"),
        ("queue", "VARCHAR"),
        ("intent", "VARCHAR"),
        ("region", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("copilot_enabled", "BOOLEAN"),
        ("resolved_by", "VARCHAR"),
        ("agent_id", "VARCHAR"),
        ("handle_time_seconds", "INTEGER"),
        ("agent_replies", "INTEGER"),
        ("reopens", "INTEGER"),
        ("escalated", "BOOLEAN"),
        ("satisfaction_rating", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    CALLS: [
        ("prompt_id", "VARCHAR"),
        ("ticket_id", "VARCHAR"),
        ("draft_id", "VARCHAR"),
        ("logged_at", "TIMESTAMP"),
        ("processing_region", "VARCHAR"),
        ("model", "VARCHAR"),
        ("prompt_template_version", "VARCHAR"),
        ("input_tokens", "INTEGER"),
        ("output_tokens", "INTEGER"),
        ("latency_ms", "INTEGER"),
        ("status", "VARCHAR"),
        ("pii_detected", "BOOLEAN"),
        ("pii_redacted", "BOOLEAN"),
        ("jailbreak_flag", "BOOLEAN"),
        ("prompt_text", "VARCHAR"),
        ("_loaded_at", "TIMESTAMP"),
    ],
    DRAFTS: [
        ("draft_id", "VARCHAR"),
        ("ticket_id", "VARCHAR"),
        ("prompt_id", "VARCHAR"),
        ("intent", "VARCHAR"),
        ("confidence_score", "DOUBLE"),
        ("drafted_at", "TIMESTAMP"),
        ("suggestion_mode", "VARCHAR"),
        ("agent_action", "VARCHAR"),
        ("edit_distance_ratio", "DOUBLE"),
        ("sent_at", "TIMESTAMP"),
        ("_loaded_at", "TIMESTAMP"),
    ],
}


def test_duckdb_tables_have_exactly_the_contract_columns_and_types(small_result, tmp_path):
    db = write_duckdb(small_result, tmp_path / "sub" / "pilot.duckdb")
    write_duckdb(small_result, db)  # replacing the tables works
    with duckdb.connect(str(db), read_only=True) as con:
        for table, columns in CONTRACT.items():
            found = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            assert found == columns, table
            rows = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            assert rows == small_result.manifest["row_counts"][table] == small_result.tables[table].num_rows


def test_parquet_files_hold_the_same_tables(small_result, tmp_path):
    paths = write_parquet(small_result, tmp_path / "pq")
    assert sorted(p.name for p in paths) == sorted(f"{t}.parquet" for t in CONTRACT)
    for table in CONTRACT:
        assert pq.read_table(tmp_path / "pq" / f"{table}.parquet").equals(small_result.tables[table])


def test_manifest_is_json_with_the_documented_fields(small_result, tmp_path):
    import json

    path = write_manifest(small_result, tmp_path / "m.json")
    manifest = json.loads(path.read_text())
    for field in (
        "seed",
        "start_date",
        "end_date",
        "pilot_start_date",
        "tickets_per_day",
        "row_counts",
        "latest_row_counts",
        "bad_rows",
        "redeliveries",
        "unmapped",
        "events",
    ):
        assert field in manifest
    assert manifest["start_date"] == "2025-02-10" and manifest["end_date"] == "2025-03-02"
    assert manifest["pilot_start_date"] == "2025-02-17" and manifest["seed"] == 7
    assert len(manifest["redeliveries"]) <= 200


def test_same_seed_and_range_give_identical_tables():
    config = GeneratorConfig(start_date=date(2025, 2, 1), end_date=date(2025, 2, 12), tickets_per_day=300, seed=3)
    a, b = generate(config), generate(config)
    for table in CONTRACT:
        assert a.tables[table].equals(b.tables[table]), table
    assert a.manifest == b.manifest
    c = generate(GeneratorConfig(start_date=date(2025, 2, 1), end_date=date(2025, 2, 12), tickets_per_day=300, seed=4))
    assert not c.tables[TICKETS].equals(a.tables[TICKETS])


def test_timestamps_follow_the_range_not_the_clock():
    config = GeneratorConfig(start_date=date(2025, 2, 1), end_date=date(2025, 2, 12), tickets_per_day=300, seed=3)
    shifted = GeneratorConfig(start_date=date(2025, 3, 1), end_date=date(2025, 3, 12), tickets_per_day=300, seed=3)
    a, b = generate(config), generate(shifted)
    first = pa.compute.min(a.tables[TICKETS]["created_at"]).as_py()
    first_shifted = pa.compute.min(b.tables[TICKETS]["created_at"]).as_py()
    assert first.date() == date(2025, 2, 1) and first_shifted.date() == date(2025, 3, 1)


@pytest.mark.parametrize("table", list(CONTRACT))
def test_event_times_lie_in_the_range_and_loads_before_the_nightly_load(default_con, table):
    cap = datetime.combine(END + timedelta(days=1), datetime.min.time()) + timedelta(hours=6)
    event = {TICKETS: "updated_at", CALLS: "logged_at", DRAFTS: "drafted_at"}[table]
    lo, hi, max_loaded = default_con.execute(
        f"select min({event}), max({event}), max(_loaded_at) from {table}_clean"
    ).fetchone()
    assert lo.date() >= START_56 and hi.date() <= END
    assert max_loaded <= cap
    assert default_con.execute(f"select max(_loaded_at) from {table}").fetchone()[0] <= cap


def test_volume_matches_tickets_per_day(default_result, small_result):
    for result, per_day, days in ((default_result, 2000, 56), (small_result, 400, 21)):
        tickets = result.manifest["latest_row_counts"][TICKETS]
        assert abs(tickets - per_day * days) <= 0.03 * per_day * days


def test_default_dates_end_yesterday_utc_over_eight_weeks():
    from datetime import UTC

    config = GeneratorConfig()
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    assert config.end_date == yesterday
    assert config.start_date == yesterday - timedelta(days=55)
    assert config.pilot_start_date == config.start_date + timedelta(days=28)
