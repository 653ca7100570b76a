"""The published warehouse (issue 12): the serving file replaces the previous one atomically, a
reader holding the old one open keeps its snapshot and never blocks the next publication."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from copilot_governance.publishing.warehouse import PublishError, publish, serving_path_for

READ_VERSION = (
    "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True)"
    ".execute('select version from marts.pilot_go_no_go').fetchone()[0])"
)


def build_file(path: Path, version: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create schema if not exists marts; create schema if not exists audit; create schema if not exists staging"
        )
        con.execute("create or replace table marts.pilot_go_no_go as select ? as version, 'GO' as decision", [version])
        con.execute("create or replace view marts.go_view as select * from marts.pilot_go_no_go")
        con.execute(
            "create or replace table audit.audit_load_reconciliation as select range as n from range(?)", [version]
        )
        con.execute("create or replace table staging.not_published as select 1 as x")
    return path


def test_publish_copies_marts_and_audit_only_and_records_it(tmp_path):
    build = build_file(tmp_path / "pilot.duckdb", 3)
    serving = serving_path_for(build)
    assert serving == tmp_path / "pilot.serving.duckdb"
    done = publish(build, serving, as_of_date="2026-11-30", build_status="ok", gate_fired=True)
    assert (done.relations, done.rows) == (3, 1 + 1 + 3)
    with duckdb.connect(str(serving), read_only=True) as con:
        tables = {
            (s, t) for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        }
        assert tables == {
            ("marts", "pilot_go_no_go"),
            ("marts", "go_view"),
            ("audit", "audit_load_reconciliation"),
            ("serving", "publication"),
        }
        record = con.execute("select as_of_date::varchar, is_gate_fired, relations from serving.publication").fetchone()
        assert record == ("2026-11-30", True, 3)
    assert list(tmp_path.glob(".*partial*")) == []


def test_a_reader_holding_the_serving_file_keeps_its_snapshot_and_blocks_nothing(tmp_path):
    build = build_file(tmp_path / "pilot.duckdb", 1)
    serving = tmp_path / "serving.duckdb"
    publish(build, serving)
    reader = duckdb.connect(str(serving), read_only=True)  # a BI tool, connected all night
    try:
        build_file(build, 2)  # tonight's build writes the build file meanwhile
        publish(build, serving)  # and publishing does not wait for the reader
        assert reader.execute("select version from marts.pilot_go_no_go").fetchone() == (1,)
        # a reader connecting now (another process: DuckDB shares one instance per file within a process)
        fresh = subprocess.run(
            [sys.executable, "-c", READ_VERSION, str(serving)], capture_output=True, text=True, check=True
        )
        assert fresh.stdout.strip() == "2"
    finally:
        reader.close()


def test_publishing_refuses_what_it_cannot_do_and_keeps_the_previous_file(tmp_path):
    serving = tmp_path / "serving.duckdb"
    with pytest.raises(PublishError, match="does not exist; nothing to publish"):
        publish(tmp_path / "missing.duckdb", serving)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="has no marts yet"):
        publish(empty, serving)
    build = build_file(tmp_path / "pilot.duckdb", 1)
    publish(build, serving)
    before = serving.read_bytes()
    with duckdb.connect(str(build)) as con:
        con.execute('create table marts."bad; drop table x" as select 1 as x')
    with pytest.raises(PublishError, match="not a plain identifier"):
        publish(build, serving)
    assert serving.read_bytes() == before
    assert list(tmp_path.glob(".*partial*")) == []
