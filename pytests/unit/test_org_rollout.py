"""Issue 10, item 3: the org-wide rollout option, and the chunked writer behind production-scale runs.

The expectations are computed here in DuckDB SQL from the generated raw tables and from the
project's seeds (pilot scope, queues, regions, residency policy), not from the generator's code.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copilot_governance.cli import main
from copilot_governance.generator import (
    ConfigError,
    GeneratorConfig,
    generate,
    write_duckdb,
    write_generated,
)
from copilot_governance.generator.frame import Frame
from copilot_governance.generator.store import PackedFrame, TableStore
from copilot_governance.generator.writers import DuckDBSink

from . import checks

TICKETS, CALLS, DRAFTS = checks.TICKETS, checks.CALLS, checks.DRAFTS
TABLES = (TICKETS, CALLS, DRAFTS)
ROOT = Path(__file__).resolve().parents[2]
PILOT_START = date(2025, 2, 10)
ROLLOUT = date(2025, 2, 17)
BASE = GeneratorConfig(
    start_date=date(2025, 2, 3),
    end_date=date(2025, 2, 23),
    pilot_start_date=PILOT_START,
    tickets_per_day=300,
    seed=11,
)
ROLLED_OUT = replace(BASE, rollout_date=ROLLOUT)


def _seed(path: str) -> list[dict[str, str]]:
    with (ROOT / path).open(newline="") as handle:
        return list(csv.DictReader(handle))


PILOT_SCOPE = {(r["queue"], r["region"]) for r in _seed("seeds/pilot/pilot_scope.csv")}
QUEUES = sorted(r["queue"] for r in _seed("seeds/reference/queues.csv"))
REGIONS = sorted(r["region"] for r in _seed("seeds/reference/regions.csv"))
POLICY = {r["ticket_region"]: r["allowed_processing_region"] for r in _seed("seeds/governance/residency_policy.csv")}


def _read_db(path: Path) -> dict[str, pa.Table]:
    """The raw tables of a DuckDB file, in their stored row order."""
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET threads = 1")
        return {t: con.sql(f"SELECT * FROM raw.{t}").to_arrow_table() for t in TABLES}


@pytest.fixture(scope="module")
def rollout_con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The rollout run, written through the chunked writer (two days of loads at a time)."""
    db = tmp_path_factory.mktemp("rollout") / "pilot.duckdb"
    write_generated(ROLLED_OUT, db, write_days=2)
    return checks.connect(_read_db(db))


@pytest.fixture(scope="module")
def pilot_con() -> duckdb.DuckDBPyConnection:
    """The same run without the option: the pilot's scope only."""
    return checks.connect(generate(BASE).tables)


def _arms(con: duckdb.DuckDBPyConnection, group: str, since: date) -> dict[object, tuple[int, int]]:
    """(copilot-arm tickets, control tickets) per group, of the clean tickets created since a day."""
    rows = con.execute(
        f"""
        SELECT {group}, count(*) FILTER (WHERE copilot_enabled), count(*) FILTER (WHERE NOT copilot_enabled)
        FROM {TICKETS}_clean WHERE created_at >= ? GROUP BY ALL
        """,
        [since],
    ).fetchall()
    return {row[0] if len(row) == 3 else tuple(row[:-2]): (row[-2], row[-1]) for row in rows}


# --- the rollout option -------------------------------------------------------------------------


def test_before_the_rollout_only_the_pilot_scope_has_copilot_tickets(rollout_con):
    scopes = rollout_con.execute(
        f"SELECT DISTINCT queue, region FROM {TICKETS}_clean WHERE copilot_enabled AND created_at < ?", [ROLLOUT]
    ).fetchall()
    assert set(scopes) == PILOT_SCOPE  # the pilot ran in all its scope, and nowhere else
    first = rollout_con.execute(f"SELECT min(created_at) FROM {TICKETS}_clean WHERE copilot_enabled").fetchone()[0]
    assert first.date() == PILOT_START


def test_before_the_rollout_the_tickets_are_those_of_the_run_without_it(rollout_con, pilot_con):
    cols = "ticket_id, created_at, queue, region, copilot_enabled"
    query = f"SELECT {cols} FROM {TICKETS}_clean WHERE created_at < '{ROLLOUT}'"
    before = set(rollout_con.execute(query).fetchall())
    assert len(before) > 2000
    assert before == set(pilot_con.execute(query).fetchall())


def test_after_the_rollout_every_queue_and_region_has_both_arms(rollout_con):
    for group, names in (("queue", QUEUES), ("region", REGIONS)):
        arms = _arms(rollout_con, group, ROLLOUT)
        for name in names:
            copilot, control = arms.get(name, (0, 0))
            assert copilot > 0 and control > 0, (group, name, copilot, control)
            assert 0.35 < copilot / (copilot + control) < 0.65, (group, name, copilot, control)
    cells = _arms(rollout_con, "queue, region", ROLLOUT)
    assert all(min(cells.get((q, r), (0, 0))) > 0 for q in QUEUES for r in REGIONS)
    copilot, control = map(sum, zip(*cells.values(), strict=True))
    assert 0.47 < copilot / (copilot + control) < 0.53  # the pilot's per-ticket probability, one half


def test_without_the_option_no_ticket_outside_the_pilot_scope_gets_the_copilot_arm(pilot_con):
    scopes = pilot_con.execute(f"SELECT DISTINCT queue, region FROM {TICKETS}_clean WHERE copilot_enabled").fetchall()
    assert set(scopes) == PILOT_SCOPE


def test_drafts_and_calls_are_for_copilot_arm_agent_tickets_in_every_region(rollout_con):
    for table in (DRAFTS, CALLS):
        orphans = rollout_con.execute(
            f"""
            SELECT count(*) FROM {table}_clean x LEFT JOIN {TICKETS}_clean t USING (ticket_id)
            WHERE t.ticket_id IS NULL OR NOT t.copilot_enabled OR t.agent_id IS NULL
            """
        ).fetchone()[0]
        assert orphans == 0, table
    # The rolled-out copilot tickets get drafts as the pilot's do: every queue and region, same coverage.
    scope = ", ".join(f"'{q}/{r}'" for q, r in sorted(PILOT_SCOPE))
    coverage = dict(
        rollout_con.execute(
            f"""
            SELECT t.queue || '/' || t.region IN ({scope}) AS in_pilot_scope,
                avg((t.ticket_id IN (SELECT ticket_id FROM {DRAFTS}_clean))::INT)
            FROM {TICKETS}_clean t
            WHERE t.copilot_enabled AND t.agent_id IS NOT NULL AND t.created_at >= ? AND t.solved_at IS NOT NULL
            GROUP BY 1
            """,
            [ROLLOUT],
        ).fetchall()
    )
    assert abs(coverage[True] - coverage[False]) < 0.05, coverage
    drafted = rollout_con.execute(
        f"SELECT DISTINCT t.queue, t.region FROM {DRAFTS}_clean d JOIN {TICKETS}_clean t USING (ticket_id)"
    ).fetchall()
    assert set(drafted) == {(q, r) for q in QUEUES for r in REGIONS}


def test_calls_follow_the_residency_policy(rollout_con):
    rows = rollout_con.execute(
        f"""
        SELECT t.region, c.processing_region, count(*) FROM {CALLS}_clean c JOIN {TICKETS}_clean t USING (ticket_id)
        GROUP BY ALL
        """
    ).fetchall()
    assert {r for r, _, _ in rows} == set(REGIONS)
    assert all(POLICY[region] == processing for region, processing, _ in rows), rows


def test_the_rollout_date_must_be_in_the_range(capsys, tmp_path):
    with pytest.raises(ConfigError, match="rollout date 2025-03-01 is outside the range"):
        replace(BASE, rollout_date=date(2025, 3, 1))
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--db", str(tmp_path / "x.duckdb"), "--rollout-date", "2024-01-01", "--tickets-per-day", "5"])
    assert exc.value.code == 2 and "outside the range" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_the_cli_option_rolls_out_and_reports_progress(capsys, tmp_path):
    db = tmp_path / "cli.duckdb"
    args = ["--start-date", "2025-02-03", "--end-date", "2025-02-16", "--tickets-per-day", "200"]
    assert main(["generate", "--db", str(db), *args, "--rollout-date", "2025-02-10"]) == 0
    out, err = capsys.readouterr()
    assert "org-wide rollout from 2025-02-10" in out
    assert "generated 7/14 days" in err and "wrote the loads through 2025-02-09 (7/15 days)" in err
    manifest = json.loads(db.with_name("cli.duckdb.manifest.json").read_text())
    assert manifest["rollout_date"] == "2025-02-10"
    con = checks.connect(_read_db(db))
    outside = con.execute(
        f"SELECT count(*) FROM {TICKETS}_clean WHERE copilot_enabled AND queue NOT IN ('billing', 'shipping-updates')"
    ).fetchone()[0]
    assert outside > 100
    last = [line for line in err.splitlines() if line.startswith("wrote")][-1]
    assert f"{sum(manifest['row_counts'].values()):,} rows" in last


# --- the chunked writer ----------------------------------------------------------------------------


def test_the_chunked_writer_writes_what_the_all_at_once_path_writes(tmp_path):
    at_once = generate(BASE, write_days=10_000)  # one load window: every row at once
    chunked_db = tmp_path / "chunked.duckdb"
    write_generated(BASE, chunked_db, parquet_dir=tmp_path / "pq", write_days=1)
    chunked = _read_db(chunked_db)
    old_path = _read_db(write_duckdb(at_once, tmp_path / "old.duckdb"))
    for table in TABLES:
        assert chunked[table].equals(old_path[table]), table  # same rows, same order
        assert pq.read_table(tmp_path / "pq" / f"{table}.parquet").equals(at_once.tables[table]), table
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{chunked_db}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{tmp_path / 'old.duckdb'}' AS b (READ_ONLY)")
        for table in TABLES:
            for x, y in (("a", "b"), ("b", "a")):
                extra = f"SELECT * FROM {x}.raw.{table} EXCEPT ALL SELECT * FROM {y}.raw.{table}"
                assert con.execute(f"SELECT count(*) FROM ({extra})").fetchone()[0] == 0, (table, x)
            counts = [con.execute(f"SELECT count(*) FROM {s}.raw.{table}").fetchone()[0] for s in ("a", "b")]
            assert counts[0] == counts[1] == at_once.manifest["row_counts"][table]
            assert _in_load_order(chunked[table]), table


def _in_load_order(table: pa.Table) -> bool:
    """Rows sorted by _loaded_at, the rows without one last."""
    loaded = table.column("_loaded_at")
    missing = loaded.is_null().to_numpy(zero_copy_only=False)
    times = loaded.drop_null().to_numpy()
    return bool((np.diff(missing.astype(int)) >= 0).all() and (np.diff(times) >= np.timedelta64(0)).all())


def test_a_run_split_into_load_windows_yields_the_same_rows_as_one_window():
    config = replace(ROLLED_OUT, plants=frozenset({"all-governance"}), event_date=date(2025, 2, 20))
    whole = generate(config, write_days=10_000)
    for days in (1, 3):
        split = generate(config, write_days=days)
        assert split.manifest == whole.manifest
        for table in TABLES:
            assert split.tables[table].equals(whole.tables[table]), (days, table)
    assert whole.manifest["redelivery_counts"] and whole.manifest["late_rows"] and whole.manifest["bad_rows"]


def test_a_failed_write_keeps_the_earlier_tables(tmp_path):
    db = tmp_path / "pilot.duckdb"
    write_generated(BASE, db)
    before = _read_db(db)
    rows = generate(ROLLED_OUT).tables
    with pytest.raises(RuntimeError, match="disk full"), DuckDBSink(db) as sink:
        sink.write(TICKETS, rows[TICKETS])
        raise RuntimeError("disk full")
    after = _read_db(db)
    assert all(after[t].equals(before[t]) for t in TABLES)
    with duckdb.connect(str(db), read_only=True) as con:
        names = {n for (n,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names == set(TABLES)


# --- the packed store ----------------------------------------------------------------------------


def _frame() -> Frame:
    rng = np.random.default_rng(3)
    n = 1000
    data = {
        "small": rng.integers(-5, 100, n),
        "medium": rng.integers(-30_000, 30_000, n),
        "time": rng.integers(1_700_000_000, 1_800_000_000, n),
        "big": rng.integers(0, 2**40, n),
        "score": rng.random(n),
        "flag": rng.random(n) < 0.5,
    }
    null = {"small": rng.random(n) < 0.1, "score": rng.random(n) < 0.5}
    return Frame("t", data, null)


def test_a_packed_frame_unpacks_to_the_same_values_and_types():
    frame = _frame()
    packed = PackedFrame(frame)
    assert packed.columns["small"].values.dtype == np.int8 and packed.columns["time"].values.dtype == np.int32
    assert packed.columns["big"].values.dtype == np.int64 and packed.columns["medium"].values.dtype == np.int16
    back = packed.frame()
    for name in frame.data:
        assert back[name].dtype == frame[name].dtype, name
        assert np.array_equal(back[name], frame[name]), name
        assert np.array_equal(back.null[name], frame.null[name]), name


def test_a_table_store_reads_like_the_concatenation_of_its_parts():
    frame = _frame()
    store = TableStore("t")
    for lo, hi in ((0, 10), (10, 10), (10, 600), (600, 1000)):
        store.append(frame.take(np.arange(lo, hi)))
    assert len(store) == len(frame)
    idx = np.random.default_rng(5).integers(0, len(frame), 300)  # unsorted, with repeats
    for rows in (idx, frame["flag"], idx[:0]):
        picked, expected = store.take(rows), frame.take(rows)
        for name in frame.data:
            assert np.array_equal(picked[name], expected[name]), name
            assert np.array_equal(picked.null[name], expected.null[name]), name
    assert np.array_equal(store["time"], frame["time"]) and np.array_equal(store.valid("small"), frame.valid("small"))
    changed = store.columns(["small"])
    changed.data["small"][:] = 7
    store.update(changed, ["small"])
    assert (store["small"] == 7).all() and np.array_equal(store.valid("small"), frame.valid("small"))
