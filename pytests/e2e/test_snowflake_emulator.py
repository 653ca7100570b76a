"""The project on Snowflake, through the real dbt-snowflake adapter, against the fakesnow emulator.

One pilot dataset is built twice: on DuckDB (the default target) and on the emulator (`dbt seed`,
`dbt build` with data and unit tests, then an incremental re-run). Every public mart (every model
in the marts and audit schemas, or with an enforced contract, read from the manifest, so models
added later are covered without a change here) must hold the same rows on both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_runner import run_dbt
from pytests.scenario import generate
from pytests.snowflake_emulator import normalize, public_relations, run_stage

pytestmark = [pytest.mark.e2e, pytest.mark.snowflake]

END_DATE = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
DBT_VARS = {"as_of_date": END_DATE.isoformat()}
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
    raw_db = scenario.db_path

    # Emulator: load the raw tables, then seed, build, and re-run the incremental models.
    state_dir, fs_work = root / "fakesnow", root / "fakesnow_work"
    stage = {"work_dir": fs_work, "timeout": STAGE_TIMEOUT, "extra_env": RAW_ENV}
    loaded = run_stage(state_dir, ["load-raw", "--duckdb", str(raw_db)], **stage)
    _check(loaded, "loading the raw tables into the emulator")
    vars_args = ["--vars", json.dumps(DBT_VARS)]
    seeded = run_stage(state_dir, ["dbt", "seed", *vars_args], **stage)
    _check(seeded, "dbt seed on the emulator")
    built = run_stage(state_dir, ["dbt", "build", *vars_args], **stage)
    build_results = _run_results(fs_work) if (fs_work / "target/run_results.json").exists() else None
    _check(built, "dbt build on the emulator")
    rerun_args = ["dbt", "build", "--select", "config.materialized:incremental", *vars_args]
    rerun = run_stage(state_dir, rerun_args, **stage)
    _check(rerun, "incremental re-run on the emulator")
    rerun_results = _run_results(fs_work)
    fs_manifest = fs_work / "target" / "manifest.json"
    fs_out = root / "fakesnow_marts"
    exported = run_stage(state_dir, ["export", "--manifest", str(fs_manifest), "--out", str(fs_out)], **stage)
    _check(exported, "reading the marts from the emulator")

    # DuckDB: the same raw data, the same commands.
    duck_db, duck_work = root / "pilot.duckdb", root / "duckdb_work"
    duck_db.write_bytes(raw_db.read_bytes())
    duck_build = run_dbt(["build"], duck_db, duck_work, dbt_vars=DBT_VARS)
    _check(duck_build, "dbt build on DuckDB")
    duck_statuses = duck_build.statuses()
    duck_rerun = run_dbt(
        ["build", "--select", "config.materialized:incremental"],
        duck_db,
        duck_work,
        dbt_vars=DBT_VARS,
    )
    _check(duck_rerun, "incremental re-run on DuckDB")
    invocations = {
        results["metadata"]["invocation_id"]
        for results in (build_results, rerun_results, duck_build.run_results, duck_rerun.run_results)
    }
    finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    return {
        "window": (started - dt.timedelta(minutes=1), finished + dt.timedelta(minutes=1)),
        "invocations": invocations,
        "fs_manifest": json.loads(fs_manifest.read_text()),
        "fs_relations": public_relations(fs_manifest),
        "fs_out": fs_out,
        "build_results": build_results,
        "duck_statuses": duck_statuses,
        "rerun_results": rerun_results,
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


def test_incremental_models_rerun_incrementally_on_emulator(builds):
    manifest = builds["fs_manifest"]
    incremental = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }
    if not incremental:
        pytest.skip("the project has no incremental model yet")
    ran = {r["unique_id"]: r["status"] for r in builds["rerun_results"]["results"] if r["unique_id"] in incremental}
    assert ran == dict.fromkeys(incremental, "success")
    # The re-run took the incremental path (rollback_runs appends: an insert into the existing
    # table), not a rebuild.
    log = builds["fs_log"].read_text().lower()
    assert re.search(r"insert into [^\n]*rollback_runs", log)


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


def _differences(name: str, emulated: dict, local: dict, builds) -> list[str]:
    if emulated["columns"] != local["columns"]:
        return [f"{name}: columns differ: {emulated['columns']} vs {local['columns']}"]
    if len(emulated["rows"]) != len(local["rows"]):
        return [f"{name}: {len(emulated['rows'])} rows on the emulator, {len(local['rows'])} on DuckDB"]
    sides = [emulated["rows"], local["rows"]]
    width = len(local["columns"])
    keep = [i for i in range(width) if not _is_run_time_column(i, sides, builds)]
    emulated_rows = sorted(([row[i] for i in keep] for row in emulated["rows"]), key=_sort_key)
    local_rows = sorted(([row[i] for i in keep] for row in local["rows"]), key=_sort_key)
    for emu_row, duck_row in zip(emulated_rows, local_rows, strict=True):
        if not all(_same(a, b) for a, b in zip(emu_row, duck_row, strict=True)):
            columns = [local["columns"][i] for i in keep]
            return [f"{name}: first differing row\n columns  {columns}\n emulator {emu_row}\n duckdb   {duck_row}"]
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
