"""The project on Snowflake, through the real dbt-snowflake adapter, against the fakesnow emulator.

One pilot dataset is delivered night by night, as a loader would (each night, the raw rows loaded
before 06:00 the next morning), on DuckDB (the default target) and on the emulator: the first night
`dbt seed` and `dbt build` with data and unit tests, the next two the incremental nightly
(`dbt build --selector nightly`). Issue 10: on the emulator, the third night's incremental build
must equal a `--full-refresh` build of a snapshot taken just before it (same raw data, same
history); and after it every public mart (every model in the marts and audit schemas, or with an
enforced contract, read from the manifest, so models added later are covered without a change
here) must hold the same rows on both engines.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_runner import run_dbt
from pytests.scenario import generate
from pytests.snowflake_emulator import RAW_TABLES, normalize, public_relations, run_stage

pytestmark = [pytest.mark.e2e, pytest.mark.snowflake]

END_DATE = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
#: The nights built one after another; the last is compared with a --full-refresh build.
NIGHTS = [END_DATE - dt.timedelta(days=2), END_DATE - dt.timedelta(days=1), END_DATE]
# Where the emulator's raw tables live: a schema of their own, named by the env vars. (Same
# database as the target: fakesnow's `describe table`, which dbt's unit tests use on source inputs,
# finds no column of a table in another database than the connection's.)
RAW_ENV = {
    "PILOT_RAW_DATABASE": "PILOT",
    "PILOT_RAW_SCHEMA": "LANDING",
    "PILOT_FAKESNOW_DATABASE": "PILOT",
}
STAGE_TIMEOUT = 600  # seconds; the connector retries a failed request without end
REL_TOL = 1e-9


def _morning(night: dt.date) -> dt.datetime:
    return dt.datetime.combine(night + dt.timedelta(days=1), dt.time(6, 0))


def _night_vars(night: dt.date) -> list[str]:
    return ["--vars", json.dumps(_dbt_vars(night))]


def _dbt_vars(night: dt.date) -> dict[str, str]:
    return {"as_of_date": night.isoformat(), "reference_time": _morning(night).isoformat(sep=" ")}


def _deliver(generated: Path, night: dt.date, delivery: Path) -> Path:
    """A DuckDB file whose raw tables hold the generated rows loaded before the night's morning."""
    with duckdb.connect(str(delivery)) as con:
        con.execute(f"attach '{generated}' as generated (read_only)")
        con.execute("create schema raw")
        for table in RAW_TABLES:
            con.execute(
                f"create table raw.{table} as select * from generated.raw.{table} "
                "where _loaded_at < ? or _loaded_at is null",
                [_morning(night)],
            )
    return delivery


def _replace_raw(warehouse: Path, delivery: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{delivery}' as delivery (read_only)")
        for table in RAW_TABLES:
            con.execute(f"create or replace table raw.{table} as select * from delivery.raw.{table}")


def _check(result, what: str) -> None:
    """Fail with dbt's error lines (and what follows each), not the tail of the output."""
    if result.returncode == 0:
        return
    lines = result.output.splitlines()
    shown = [
        "\n".join(lines[i : i + 4])
        for i, line in enumerate(lines)
        if re.search(r"(Error|Failure) in |ERROR|timed out|Traceback", line)
    ]
    pytest.fail(f"{what} failed:\n" + ("\n".join(shown[:30]) or result.output[-6000:]))


def _run_results(work_dir: Path) -> dict:
    return json.loads((work_dir / "target" / "run_results.json").read_text())


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("snowflake_emulator")
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    # The generator's pilot data: 56 days, about 17,000 tickets (bad input and re-deliveries
    # included). Not fewer: with a dozen calls a day, Poisson noise alone can put a day under half
    # the median of its weekdays, and data_completeness rightly fails the night.
    scenario = generate(
        root / "generated",
        "--seed",
        "7",
        "--end-date",
        END_DATE.isoformat(),
        "--tickets-per-day",
        "300",
    )
    deliveries = {night: _deliver(scenario.db_path, night, root / f"delivery_{night}.duckdb") for night in NIGHTS}

    # Emulator: each night, load the night's raw tables, then build; the first night seeds and
    # runs the plain `dbt build` (unit tests too), the next nights the incremental nightly.
    state_dir, fs_work = root / "fakesnow", root / "fakesnow_work"
    stage = {"work_dir": fs_work, "timeout": STAGE_TIMEOUT, "extra_env": RAW_ENV}
    results: dict[dt.date, dict] = {}
    snapshot = root / "fakesnow_snapshot"
    for night in NIGHTS:
        loaded = run_stage(state_dir, ["load-raw", "--duckdb", str(deliveries[night])], **stage)
        _check(loaded, f"loading the raw tables of {night} into the emulator")
        if night == NIGHTS[0]:
            _check(run_stage(state_dir, ["dbt", "seed", *_night_vars(night)], **stage), "dbt seed on the emulator")
            command = ["dbt", "build", *_night_vars(night)]
        else:
            command = ["dbt", "build", "--selector", "nightly", *_night_vars(night)]
        if night == NIGHTS[-1]:
            shutil.copytree(state_dir, snapshot)
        built = run_stage(state_dir, command, **stage)
        if (fs_work / "target/run_results.json").exists():
            results[night] = _run_results(fs_work)
        _check(built, f"dbt build on the emulator for {night}")
    fs_manifest = fs_work / "target" / "manifest.json"
    fs_out = root / "fakesnow_marts"
    exported = run_stage(state_dir, ["export", "--manifest", str(fs_manifest), "--out", str(fs_out)], **stage)
    _check(exported, "reading the marts from the emulator")

    # The emulator's --full-refresh build of the last night, from the snapshot taken before it.
    full_work = root / "fakesnow_full_work"
    full_stage = {**stage, "work_dir": full_work}
    full = run_stage(snapshot, ["dbt", "run", "--full-refresh", *_night_vars(NIGHTS[-1])], **full_stage)
    _check(full, "dbt run --full-refresh on the emulator's snapshot")
    full_results = _run_results(full_work)
    full_out = root / "fakesnow_full_marts"
    full_manifest = full_work / "target" / "manifest.json"
    exported = run_stage(snapshot, ["export", "--manifest", str(full_manifest), "--out", str(full_out)], **full_stage)
    _check(exported, "reading the marts from the emulator's full refresh")

    # DuckDB: the same deliveries, the same commands.
    duck_db, duck_work = root / "pilot.duckdb", root / "duckdb_work"
    duck_db.write_bytes(scenario.db_path.read_bytes())
    duck_runs = []
    for night in NIGHTS:
        _replace_raw(duck_db, deliveries[night])
        selection = [] if night == NIGHTS[0] else ["--selector", "nightly"]
        duck_build = run_dbt(["build", *selection], duck_db, duck_work, dbt_vars=_dbt_vars(night))
        _check(duck_build, f"dbt build on DuckDB for {night}")
        duck_runs.append(duck_build)
    invocations = {
        run["metadata"]["invocation_id"]
        for run in [*results.values(), full_results, *(build.run_results for build in duck_runs)]
    }
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    return {
        "window": (started - dt.timedelta(minutes=1), finished + dt.timedelta(minutes=1)),
        "invocations": invocations,
        "fs_manifest": json.loads(fs_manifest.read_text()),
        "fs_relations": public_relations(fs_manifest),
        "fs_out": fs_out,
        "full_out": full_out,
        "build_results": results[NIGHTS[0]],
        "duck_statuses": duck_runs[0].statuses(),
        "rerun_results": results[NIGHTS[1]],
        "fs_log": fs_work / "logs" / "dbt.log",
        "duck_db": duck_db,
        "duck_relations": public_relations(duck_work / "target" / "manifest.json"),
    }


def test_emulator_build_runs_every_model_test_and_unit_test(builds):
    manifest = builds["fs_manifest"]
    expected = {
        uid
        for uid, node in {**manifest["nodes"], **manifest.get("unit_tests", {})}.items()
        if node["resource_type"] in ("model", "seed", "test", "unit_test")
    }
    # exposures and saved queries are in the results too, as no-op: not nodes that run
    statuses = {
        r["unique_id"]: r["status"]
        for r in builds["build_results"]["results"]
        if not r["unique_id"].startswith(("exposure.", "saved_query."))
    }
    assert expected - set(statuses) == set(), "nodes the emulator build did not run"
    bad = {uid: s for uid, s in statuses.items() if s not in ("success", "pass", "warn")}
    assert bad == {}, f"nodes that did not succeed on the emulator: {bad}"
    assert any(uid.startswith("unit_test.") for uid in statuses), "no unit test ran"
    # Same outcome for every node on both engines (a warning, e.g. a source test on planted
    # bad input, warns on both).
    differing = {
        uid: (status, builds["duck_statuses"].get(uid))
        for uid, status in statuses.items()
        if status != builds["duck_statuses"].get(uid)
    }
    assert differing == {}, f"(emulator, duckdb) status per node: {differing}"


def test_the_next_nights_run_incrementally_on_the_emulator(builds):
    manifest = builds["fs_manifest"]
    incremental = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }
    assert len(incremental) >= 4, "the base models and rollback_runs are incremental"
    ran = {r["unique_id"]: r["status"] for r in builds["rerun_results"]["results"] if r["unique_id"] in incremental}
    assert ran == dict.fromkeys(incremental, "success")
    # The second night took the incremental path: rollback_runs appends (an insert into the
    # existing table), a base model replaces the keys in scope (delete+insert), not a rebuild.
    log = builds["fs_log"].read_text().lower()
    assert re.search(r"insert into [^\n]*rollback_runs", log)
    assert re.search(r"delete from [^\n]*base_copilot__ticket_outcomes", log)


def test_the_incremental_night_equals_a_full_refresh_on_the_emulator(builds):
    differences, compared = [], 0
    for name, _, _ in builds["fs_relations"]:
        incremental = json.loads((builds["fs_out"] / f"{name}.json").read_text())
        full = json.loads((builds["full_out"] / f"{name}.json").read_text())
        differences += _differences(name, incremental, full, builds, labels=("incremental", "full refresh"))
        compared += len(full["rows"])
    assert differences == [], "\n".join(differences)
    assert compared > 0, "every public mart is empty: nothing was compared"


def test_public_marts_are_discovered_from_the_manifest(builds):
    names = [name for name, _, _ in builds["fs_relations"]]
    assert {"audit_quarantined_rows", "audit_unmapped_values", "audit_load_reconciliation"} <= set(names)
    assert names == [name for name, _, _ in builds["duck_relations"]]
    exported = sorted(p.stem for p in builds["fs_out"].glob("*.json"))
    assert exported == sorted(names)


def _duckdb_relation(db_path: Path, schema: str, name: str) -> dict:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cur = con.execute(f'select * from "{schema}"."{name}"')
        columns = [d[0].lower() for d in cur.description]
        rows = [[normalize(v) for v in row] for row in cur.fetchall()]
    finally:
        con.close()
    return {"columns": columns, "rows": rows}


def _is_run_time_column(index: int, sides: list[list[list]], builds) -> bool:
    """A column that records the run itself, e.g. a refreshed_at timestamp within the test's run
    or dbt's invocation_id: such values differ between two builds by construction, not compared."""
    low, high = (w.isoformat(sep=" ") for w in builds["window"])
    values = [row[index] for rows in sides for row in rows if row[index] is not None]
    if not values:
        return False
    if all(v in builds["invocations"] for v in values):
        return True
    return all(isinstance(v, str) and len(v) >= 19 and low <= v <= high for v in values)


def _sort_key(row: list) -> tuple:
    def key(v: object) -> tuple:
        if isinstance(v, float):
            v = float(f"{v:.9g}")  # rows whose floats differ in the last bits sort alike
        return (v is None, type(v).__name__, v if v is not None else 0)

    return tuple(key(v) for v in row)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)
    return a == b


def _differences(
    name: str, left: dict, right: dict, builds, labels: tuple[str, str] = ("emulator", "duckdb")
) -> list[str]:
    if left["columns"] != right["columns"]:
        return [f"{name}: columns differ: {left['columns']} vs {right['columns']}"]
    if len(left["rows"]) != len(right["rows"]):
        return [f"{name}: {len(left['rows'])} rows ({labels[0]}), {len(right['rows'])} ({labels[1]})"]
    sides = [left["rows"], right["rows"]]
    width = len(right["columns"])
    keep = [i for i in range(width) if not _is_run_time_column(i, sides, builds)]
    left_rows = sorted(([row[i] for i in keep] for row in left["rows"]), key=_sort_key)
    right_rows = sorted(([row[i] for i in keep] for row in right["rows"]), key=_sort_key)
    for left_row, right_row in zip(left_rows, right_rows, strict=True):
        if not all(_same(a, b) for a, b in zip(left_row, right_row, strict=True)):
            columns = [right["columns"][i] for i in keep]
            return [
                f"{name}: first differing row\n columns  {columns}\n {labels[0]} {left_row}\n {labels[1]} {right_row}"
            ]
    return []


def test_public_marts_equal_the_duckdb_build(builds):
    differences, compared = [], 0
    for name, _, schema in builds["duck_relations"]:
        emulated = json.loads((builds["fs_out"] / f"{name}.json").read_text())
        local = _duckdb_relation(builds["duck_db"], schema, name)
        differences += _differences(name, emulated, local, builds)
        compared += len(local["rows"])
    assert differences == [], "\n".join(differences)
    assert compared > 0, "every public mart is empty: nothing was compared"
