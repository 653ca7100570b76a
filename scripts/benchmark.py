"""Benchmark: the project against a hand-written floor, on the same generated org-wide data.

For each size (--months 1: 30 days, --months 12: 365 days, both ending --end-date E, at
--tickets-per-day, the copilot arm org-wide from the first day) it generates the raw tables once and
runs, each step in a subprocess of its own whose wall time and peak RSS it measures:

1. the floor: scripts/benchmark_floor.sql (latest delivery per key, pilot_kpis_daily, the 72 h
   confidence drift, residency), statement by statement with the duckdb module, on a copy of the
   generated file;
2. the project: a full `dbt build --target duckdb` for as_of_date E (reference_time the next morning,
   06:00) on its own copy, from a fresh target dir. Its selection is the nightly's (no unit tests), so
   nightly / full compares like with like; --with-unit-tests runs the plain `dbt build`;
3. one more night E+1 appended to the project's raw tables (the last day's tickets, calls and drafts
   again under new keys, one day later; late CSAT for 10% of the unrated tickets solved on E-2..E;
   100 re-deliveries of first-week tickets with a changed solved_at or rating), then the nightly
   (`dbt build --selector nightly`, as README and selectors.yml call it) for E+1 on the same warehouse.

It prints progress as it goes (elapsed time, each step's log to follow), the floor's statements and
the slowest 10 dbt nodes of each build, and a table at the end: raw rows, wall and peak RSS of each
step, the ratios full / floor and nightly / full, and the project's mart row counts beside the floor's.
A benchmark, not a test: nothing here asserts a time or a count. The DuckDB files are deleted at the
end (disk is limited) unless --keep; logs, SQL and timings stay in --work-dir.

    .venv/bin/python scripts/benchmark.py                                  # 60,000 tickets/day, 1 month
    .venv/bin/python scripts/benchmark.py --tickets-per-day 2000           # a quick try
    .venv/bin/python scripts/benchmark.py --months 1 12 --work-dir /tmp/bench --keep
    .venv/bin/python scripts/benchmark.py --skip-project                   # the floor only
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FLOOR_SQL = ROOT / "scripts" / "benchmark_floor.sql"
RESIDENCY_POLICY = ROOT / "seeds" / "governance" / "residency_policy.csv"
PILOTS = ROOT / "seeds" / "pilot" / "pilots.csv"
RAW_TABLES = ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")
DAYS_PER_SIZE = {1: 30, 12: 365}
SQL_WORKER = "sql-worker"
SELECTORS = ROOT / "selectors.yml"
# A DuckDB file's stem is its catalog name: never one of its schemas' (raw, floor, marts, ...).
GENERATED_DB, FLOOR_DB, PROJECT_DB = "generated.duckdb", "floor_copy.duckdb", "project_copy.duckdb"

#: Project relations and the floor tables they are compared with (schema.table).
COMPARED = (
    ("latest tickets", "marts.fct_tickets", "floor.tickets"),
    ("pilot_kpis_daily", "marts.pilot_kpis_daily", "floor.pilot_kpis_daily"),
    ("confidence drift", "marts.anomaly_confidence_drift", "floor.confidence_drift"),
    ("residency rows", "marts.anomaly_residency_mismatch", "floor.residency_violations"),
)

#: One more night on the project's warehouse: {{name}} parameters, statements run one by one.
NIGHT_SQL = r"""
create or replace temp macro night_key(k) as
    case when k is null or regexp_full_match(k, '\s*') then k else regexp_replace(k, '(\s*)$', '-n1\1') end;

create or replace temp table night_source_tickets as
select distinct ticket_id
from raw.zs_ticket_outcomes
where cast(created_at as date) = date '{{last_day}}' and ticket_id is not null;

create or replace temp table latest_tickets as
select *
from raw.zs_ticket_outcomes
where ticket_id is not null and _loaded_at is not null
qualify row_number() over (partition by ticket_id order by _loaded_at desc, updated_at desc) = 1;

insert into raw.zs_prompt_logs
select * replace (
    night_key(prompt_id) as prompt_id,
    night_key(ticket_id) as ticket_id,
    night_key(draft_id) as draft_id,
    logged_at + interval 1 day as logged_at,
    _loaded_at + interval 1 day as _loaded_at
)
from raw.zs_prompt_logs
where ticket_id in (select ticket_id from night_source_tickets);

insert into raw.zs_draft_confidence
select * replace (
    night_key(draft_id) as draft_id,
    night_key(ticket_id) as ticket_id,
    night_key(prompt_id) as prompt_id,
    drafted_at + interval 1 day as drafted_at,
    sent_at + interval 1 day as sent_at,
    _loaded_at + interval 1 day as _loaded_at
)
from raw.zs_draft_confidence
where ticket_id in (select ticket_id from night_source_tickets);

insert into raw.zs_ticket_outcomes
select * replace (
    night_key(ticket_id) as ticket_id,
    created_at + interval 1 day as created_at,
    updated_at + interval 1 day as updated_at,
    solved_at + interval 1 day as solved_at,
    _loaded_at + interval 1 day as _loaded_at
)
from raw.zs_ticket_outcomes
where ticket_id in (select ticket_id from night_source_tickets);

insert into raw.zs_ticket_outcomes
select * replace (
    case when hash(ticket_id || '/csat') % 100 < 85 then 'good' else 'bad' end as satisfaction_rating,
    timestamp '{{late_loaded_at}}' - interval 10 minute as updated_at,
    timestamp '{{late_loaded_at}}' as _loaded_at
)
from latest_tickets
where
    cast(solved_at as date) between date '{{last_day}}' - 2 and date '{{last_day}}'
    and (satisfaction_rating = 'offered' or satisfaction_rating is null)
    and hash(ticket_id) % 10 = 0;

insert into raw.zs_ticket_outcomes
select * replace (
    case when hash(ticket_id) % 2 = 0 then solved_at + interval 1 day else solved_at end as solved_at,
    case
        when hash(ticket_id) % 2 = 0 then satisfaction_rating
        when satisfaction_rating = 'good' then 'bad'
        else 'good'
    end as satisfaction_rating,
    timestamp '{{old_loaded_at}}' - interval 5 minute as updated_at,
    timestamp '{{old_loaded_at}}' as _loaded_at
)
from latest_tickets
where cast(created_at as date) between date '{{first_day}}' and date '{{first_day}}' + 6 and solved_at is not null
qualify row_number() over (order by hash(ticket_id), ticket_id) <= {{old_redeliveries}};
"""

NIGHT_STEPS = ("new day: calls", "new day: drafts", "new day: tickets", "late CSAT", "old re-deliveries")


# Runs one command in a fresh interpreter (its output to a log file) and prints the peak RSS (KiB) of
# that command alone, so each step's figure is its own and not the largest child of the benchmark so far.
_PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys; "
    "log = open(sys.argv[1], 'w'); "
    "rc = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(rc)"
)


@dataclass(frozen=True)
class Measure:
    wall_s: float
    peak_mib: float

    def text(self) -> str:
        return f"{self.wall_s:,.1f} s / {self.peak_mib:,.0f} MiB"


@dataclass(frozen=True)
class BuildSummary:
    statuses: dict[str, int]
    slowest: list[tuple[str, float]]
    seconds_by_kind: dict[str, float]
    dbt_elapsed_s: float
    failures: list[str]


@dataclass
class SizeResult:
    months: int
    days: int
    start: dt.date
    end: dt.date
    raw_rows: dict[str, int] = field(default_factory=dict)
    generate: Measure | None = None
    floor: Measure | None = None
    floor_rows: dict[str, int] = field(default_factory=dict)
    full: Measure | None = None
    full_dbt_s: float | None = None
    full_rows: dict[str, int] = field(default_factory=dict)
    night_rows: dict[str, int] = field(default_factory=dict)
    nightly: Measure | None = None
    nightly_dbt_s: float | None = None
    nightly_rows: dict[str, int] = field(default_factory=dict)


class Progress:
    """Prints a step with the time elapsed since the benchmark started."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:8.1f} s] {message}", flush=True)


def run_measured(cmd: list[str], env: dict[str, str], log: Path, ok_codes: tuple[int, ...] = (0,)) -> Measure:
    """Run cmd (output to log); return its wall seconds and peak RSS in MiB; stop when it fails."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_WRAPPER, str(log), *cmd],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in ok_codes:
        tail = log.read_text(errors="replace")[-5000:] if log.exists() else ""
        sys.stderr.write(tail + proc.stderr[-5000:])
        raise SystemExit(f"benchmark step failed (exit {proc.returncode}): {' '.join(cmd)}; log {log}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return Measure(elapsed, peak_kib / 1024)


# --- the SQL worker: runs a SQL file statement by statement in its own process -----------------------


def split_statements(sql: str) -> list[str]:
    """The statements of a file whose statements end with ';' at the end of a line."""
    chunks = re.split(r";[ \t]*(?:\n|$)", sql)
    statements = []
    for chunk in chunks:
        code = "\n".join(line for line in chunk.splitlines() if not line.strip().startswith("--")).strip()
        if code:
            statements.append(code)
    return statements


def statement_label(statement: str) -> str:
    match = re.search(r"\b(?:table|macro)\s+([\w.]+)|\binsert\s+into\s+([\w.]+)", statement, re.IGNORECASE)
    if match is None:
        return " ".join(statement.split())[:60]
    return match.group(1) or match.group(2)


def render_sql(sql: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        sql = sql.replace("{{" + name + "}}", value)
    if "{{" in sql:
        raise SystemExit(f"unbound parameter in SQL: {sql[sql.index('{{') : sql.index('{{') + 40]}")
    return sql


def sql_worker(argv: list[str]) -> None:
    """Run --sql-file on --db; write [{label, seconds, rows}] per statement to --timings."""
    import duckdb

    parser = argparse.ArgumentParser(prog=f"benchmark.py {SQL_WORKER}")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sql-file", type=Path, required=True)
    parser.add_argument("--timings", type=Path, required=True)
    args = parser.parse_args(argv)
    steps: list[dict[str, Any]] = []
    con = duckdb.connect(str(args.db))
    for statement in split_statements(args.sql_file.read_text()):
        started = time.perf_counter()
        result = con.execute(statement).fetchall()
        rows = result[0][0] if len(result) == 1 and len(result[0]) == 1 else None
        steps.append({"label": statement_label(statement), "seconds": time.perf_counter() - started, "rows": rows})
        print(f"{steps[-1]['label']}: {steps[-1]['seconds']:.2f} s, rows {rows}", flush=True)
    started = time.perf_counter()
    con.close()
    steps.append({"label": "close (checkpoint)", "seconds": time.perf_counter() - started, "rows": None})
    args.timings.write_text(json.dumps(steps, indent=2))


def run_sql(db: Path, sql: str, work: Path, name: str, env: dict[str, str]) -> tuple[Measure, list[dict[str, Any]]]:
    sql_file, timings = work / f"{name}.sql", work / f"{name}.timings.json"
    sql_file.write_text(sql)
    cmd = [sys.executable, str(Path(__file__).resolve()), SQL_WORKER, "--db", str(db)]
    measure = run_measured([*cmd, "--sql-file", str(sql_file), "--timings", str(timings)], env, work / f"{name}.log")
    return measure, json.loads(timings.read_text())


# --- data ------------------------------------------------------------------------------------------


def generator_help() -> str:
    cmd = [str(BIN / "copilot-governance"), "generate", "--help"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def seed_pilot_start(start: dt.date, end: dt.date) -> dt.date | None:
    """The pilots seed's first pilot start (what --pilot-config would set), when within start..end."""
    with PILOTS.open(newline="") as handle:
        first = next(csv.DictReader(handle))
    pilot_start = dt.date.fromisoformat(first["pilot_start_date"])
    return pilot_start if start <= pilot_start <= end else None


def generate_command(db: Path, tickets_per_day: int, start: dt.date, end: dt.date, help_text: str) -> list[str]:
    cmd = [str(BIN / "copilot-governance"), "generate", "--db", str(db), "--quiet"]
    cmd += ["--tickets-per-day", str(tickets_per_day), "--start-date", start.isoformat(), "--end-date", end.isoformat()]
    if "--rollout-date" in help_text:
        cmd += ["--rollout-date", start.isoformat()]
    else:
        print(
            "WARNING: generate has no --rollout-date: the data is pilot-scoped (copilot arm in the pilot's scope only)"
        )
    # --pilot-config cannot be combined with --start-date; its pilot start is taken from the seed instead.
    pilot_start = seed_pilot_start(start, end)
    if pilot_start is not None:
        cmd += ["--pilot-start-date", pilot_start.isoformat()]
    return cmd


def count_rows(db: Path, relations: list[str]) -> dict[str, int]:
    """Rows per schema.table; a relation that does not exist is left out."""
    import duckdb

    counts: dict[str, int] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        listed = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        existing = {f"{schema}.{table}" for schema, table in listed}
        for relation in relations:
            if relation in existing:
                counts[relation] = con.execute(f"select count(*) from {relation}").fetchone()[0]
    return counts


def remove_db(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


# --- the project -------------------------------------------------------------------------------------


def dbt_env(work: Path, db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PILOT_DUCKDB_PATH": str(db),
        "PILOT_DBT_TARGET": "duckdb",
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt_vars(as_of: dt.date) -> str:
    # The morning after the night, as the nightly runs it (and the generator's last load: 06:00).
    reference = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(6))
    return f"{{as_of_date: '{as_of.isoformat()}', reference_time: '{reference.isoformat(sep=' ')}'}}"


def nightly_selection() -> list[str]:
    """The nightly's selection: README's `--selector nightly` where selectors.yml has it."""
    if SELECTORS.exists() and re.search(r"^\s*-\s*name:\s*nightly\s*$", SELECTORS.read_text(), re.MULTILINE):
        return ["--selector", "nightly"]
    return ["--exclude", "resource_type:unit_test"]


def summarize_run_results(path: Path) -> BuildSummary:
    results = json.loads(path.read_text())
    statuses: Counter[str] = Counter()
    timed: list[tuple[str, float]] = []
    seconds_by_kind: Counter[str] = Counter()
    failures = []
    for node in results["results"]:
        kind = node["unique_id"].split(".", 1)[0]
        statuses[f"{kind} {node['status']}"] += 1
        timed.append((node["unique_id"], node["execution_time"]))
        seconds_by_kind[kind] += node["execution_time"]
        if node["status"] in ("error", "fail", "skipped"):
            failures.append(f"{node['unique_id']}: {node['status']} {(node.get('message') or '')[:200]}")
    timed.sort(key=lambda item: item[1], reverse=True)
    return BuildSummary(dict(statuses), timed[:10], dict(seconds_by_kind), results["elapsed_time"], failures)


def dbt_build(env: dict[str, str], work: Path, name: str, selection: list[str], as_of: dt.date) -> Measure:
    cmd = [str(BIN / "dbt"), "build", "--target", "duckdb", *selection, "--vars", dbt_vars(as_of)]
    # exit 1: a data test failed (the rollback gate, say); the models built, so the timing holds.
    return run_measured(cmd, env, work / f"{name}.log", ok_codes=(0, 1))


def report_build(summary: BuildSummary, measure: Measure, progress: Progress, name: str) -> None:
    """Print what the build did and its slowest nodes; stop when a model or seed errored."""
    startup = measure.wall_s - summary.dbt_elapsed_s
    by_kind = ", ".join(f"{kind} {s:,.1f} s" for kind, s in sorted(summary.seconds_by_kind.items()) if s >= 0.05)
    progress.say(f"{name}: dbt elapsed {summary.dbt_elapsed_s:,.1f} s, startup and parse {startup:,.1f} s")
    print(f"    node execution time summed (over the threads): {by_kind}")
    print("    " + ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items())))
    for failure in summary.failures[:10]:
        print(f"    ! {failure}")
    if any(f.startswith(("model.", "seed.")) for f in summary.failures):
        raise SystemExit(f"{name}: a model or seed errored or was skipped; its timing would mean nothing")
    if summary.failures:
        print(f"    WARNING: {len(summary.failures)} nodes failed or were skipped: the timing covers less work")
    print(f"    slowest 10 nodes ({name}, execution_time):")
    for unique_id, seconds in summary.slowest:
        print(f"    {seconds:9.2f} s  {unique_id}")


# --- one size --------------------------------------------------------------------------------------


def run_floor(result: SizeResult, raw_db: Path, work: Path, keep: bool, progress: Progress) -> None:
    floor_db = work / FLOOR_DB
    remove_db(floor_db)
    shutil.copyfile(raw_db, floor_db)
    progress.say(f"floor: {FLOOR_SQL.name} on a copy ({floor_db}); log {work / 'floor.log'}")
    sql = render_sql(FLOOR_SQL.read_text(), {"residency_policy_csv": str(RESIDENCY_POLICY)})
    result.floor, steps = run_sql(floor_db, sql, work, "floor", dict(os.environ))
    progress.say(f"floor: {result.floor.text()}")
    for step in steps:
        rows = "" if step["rows"] is None else f", {step['rows']:,} rows"
        print(f"    {step['seconds']:9.2f} s  {step['label']}{rows}")
    result.floor_rows = count_rows(floor_db, [floor for _, _, floor in COMPARED])
    if not keep:
        remove_db(floor_db)


def append_night(result: SizeResult, db: Path, work: Path, progress: Progress) -> None:
    params = {
        "first_day": result.start.isoformat(),
        "last_day": result.end.isoformat(),
        "late_loaded_at": f"{result.end + dt.timedelta(days=2)} 05:00:00",
        "old_loaded_at": f"{result.end + dt.timedelta(days=2)} 05:30:00",
        "old_redeliveries": "100",
    }
    progress.say(f"night: appending {result.end + dt.timedelta(days=1)} to the project's raw tables")
    measure, steps = run_sql(db, render_sql(NIGHT_SQL, params), work, "night", dict(os.environ))
    inserts = [step for step in steps if step["label"].startswith("raw.")]
    result.night_rows = {name: step["rows"] or 0 for name, step in zip(NIGHT_STEPS, inserts, strict=True)}
    rows = ", ".join(f"{name} {n:,}" for name, n in result.night_rows.items())
    progress.say(f"night: appended in {measure.text()}: {rows}")


def project_copy(raw_db: Path, work: Path, keep: bool) -> Path:
    """The project's file: a copy of the generated one (with --keep), else the generated file itself
    (disk is limited; the floor had its own copy)."""
    db = work / PROJECT_DB
    remove_db(db)
    if keep:
        shutil.copyfile(raw_db, db)
    else:
        raw_db.replace(db)
    return db


def measured_build(
    env: dict[str, str], work: Path, name: str, selection: list[str], as_of: dt.date, progress: Progress
) -> tuple[Measure, float]:
    """Run and report one dbt build; return its measure and dbt's own elapsed time."""
    progress.say(f"project: {name} (dbt build {' '.join(selection)}) for {as_of}; log {work / (name + '.log')}")
    measure = dbt_build(env, work, name, selection, as_of)
    progress.say(f"project: {name} {measure.text()}")
    kept = work / f"{name}.run_results.json"
    shutil.copyfile(work / "target" / "run_results.json", kept)
    summary = summarize_run_results(kept)
    report_build(summary, measure, progress, name)
    return measure, summary.dbt_elapsed_s


def run_project(result: SizeResult, raw_db: Path, work: Path, args: argparse.Namespace, progress: Progress) -> None:
    db = project_copy(raw_db, work, args.keep)
    shutil.rmtree(work / "target", ignore_errors=True)
    env = dbt_env(work, db)
    relations = [project for _, project, _ in COMPARED]
    full_selection = [] if args.with_unit_tests else nightly_selection()
    result.full, result.full_dbt_s = measured_build(env, work, "full", full_selection, result.end, progress)
    result.full_rows = count_rows(db, relations)
    append_night(result, db, work, progress)
    night = result.end + dt.timedelta(days=1)
    result.nightly, result.nightly_dbt_s = measured_build(env, work, "nightly", nightly_selection(), night, progress)
    result.nightly_rows = count_rows(db, relations)


def run_size(months: int, args: argparse.Namespace, help_text: str, progress: Progress) -> SizeResult:
    days = DAYS_PER_SIZE[months]
    end = args.end_date
    result = SizeResult(months, days, end - dt.timedelta(days=days - 1), end)
    work = args.work_dir / f"months-{months:02d}"
    work.mkdir(parents=True, exist_ok=True)
    raw_db = work / GENERATED_DB
    remove_db(raw_db)
    progress.say(
        f"{months} month(s): generating {args.tickets_per_day:,} tickets/day x {days} days "
        f"({result.start} to {end}) into {raw_db}"
    )
    cmd = generate_command(raw_db, args.tickets_per_day, result.start, end, help_text)
    try:
        result.generate = run_measured(cmd, dict(os.environ), work / "generate.log")
        result.raw_rows = count_rows(raw_db, [f"raw.{table}" for table in RAW_TABLES])
        rows = ", ".join(f"{table} {n:,}" for table, n in result.raw_rows.items())
        progress.say(f"generated in {result.generate.text()}: {rows}")
        if not args.skip_floor:
            run_floor(result, raw_db, work, args.keep, progress)
        if not args.skip_project:
            run_project(result, raw_db, work, args, progress)
    finally:
        if not args.keep:
            for db in (GENERATED_DB, FLOOR_DB, PROJECT_DB):
                remove_db(work / db)
    return result


# --- the table -------------------------------------------------------------------------------------


def ratio(numerator: Measure | None, denominator: Measure | None) -> str:
    if numerator is None or denominator is None or denominator.wall_s == 0:
        return "-"
    return (
        f"{numerator.wall_s / denominator.wall_s:,.2f} x wall, {numerator.peak_mib / denominator.peak_mib:,.2f} x RSS"
    )


def measure_text(measure: Measure | None) -> str:
    return "-" if measure is None else measure.text()


def seconds_text(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:,.1f} s"


def count_text(counts: dict[str, int], relation: str) -> str:
    return f"{counts[relation]:,}" if relation in counts else "-"


def table_rows(result: SizeResult) -> list[tuple[str, str]]:
    rows = [(f"raw.{table}", f"{result.raw_rows.get(f'raw.{table}', 0):,}") for table in RAW_TABLES]
    rows += [
        ("generate: wall / peak RSS", measure_text(result.generate)),
        ("floor: wall / peak RSS", measure_text(result.floor)),
        ("project full build: wall / peak RSS", measure_text(result.full)),
        ("  of it dbt elapsed (run_results)", seconds_text(result.full_dbt_s)),
        ("ratio full / floor", ratio(result.full, result.floor)),
        ("night appended: rows", ", ".join(f"{n:,}" for n in result.night_rows.values()) or "-"),
        ("nightly: wall / peak RSS", measure_text(result.nightly)),
        ("  of it dbt elapsed (run_results)", seconds_text(result.nightly_dbt_s)),
        ("ratio nightly / full", ratio(result.nightly, result.full)),
    ]
    for label, project, floor in COMPARED:
        full, nightly = count_text(result.full_rows, project), count_text(result.nightly_rows, project)
        rows.append(
            (f"{label}: project (full, nightly) | floor", f"{full}, {nightly} | {count_text(result.floor_rows, floor)}")
        )
    return rows


def print_table(results: list[SizeResult], tickets_per_day: int) -> None:
    headers = [f"{r.months} month(s): {r.days} d to {r.end}" for r in results]
    columns = [table_rows(r) for r in results]
    labels = [label for label, _ in columns[0]]
    width = max(len(label) for label in labels)
    widths = [max(len(h), *(len(v) for _, v in col)) for h, col in zip(headers, columns, strict=True)]
    print(f"\nbenchmark at {tickets_per_day:,} tickets/day (night appended: {', '.join(NIGHT_STEPS)})")
    print(" | ".join([" " * width, *(h.ljust(w) for h, w in zip(headers, widths, strict=True))]))
    print("-+-".join(["-" * width, *("-" * w for w in widths)]))
    for i, label in enumerate(labels):
        cells = [col[i][1].ljust(w) for col, w in zip(columns, widths, strict=True)]
        print(" | ".join([label.ljust(width), *cells]))


# --- main ------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--months",
        type=int,
        nargs="+",
        choices=sorted(DAYS_PER_SIZE),
        default=[1],
        help="sizes to run: 1 (30 days), 12 (365 days), or both (default 1)",
    )
    parser.add_argument("--tickets-per-day", type=int, default=60_000, help="default 60,000 (the seed organisation)")
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 10, 31),
        help="last generated day E (default 2026-10-31); the night appended is E+1",
    )
    parser.add_argument("--work-dir", type=Path, default=None, help="default: a new directory under the temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the DuckDB files (default: delete them at the end)")
    parser.add_argument("--skip-floor", action="store_true", help="do not run the floor")
    parser.add_argument("--skip-project", action="store_true", help="do not run the project (nor the night)")
    parser.add_argument(
        "--with-unit-tests",
        action="store_true",
        help="the full build runs the unit tests too (default: the nightly's selection, so nightly / full compares "
        "like with like and the floor is compared with data work only)",
    )
    args = parser.parse_args(argv)
    if args.end_date + dt.timedelta(days=1) >= dt.datetime.now(dt.UTC).date():
        parser.error("--end-date must be at least two days ago (UTC): the night appended, E+1, is a past day")
    if args.tickets_per_day <= 0:
        parser.error("--tickets-per-day must be positive")
    if args.work_dir is None:
        args.work_dir = Path(tempfile.mkdtemp(prefix="copilot-bench-"))
    args.work_dir = args.work_dir.resolve()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    return args


def main(argv: list[str]) -> None:
    if argv[:1] == [SQL_WORKER]:
        sql_worker(argv[1:])
        return
    args = parse_args(argv)
    progress = Progress()
    free_gib = shutil.disk_usage(args.work_dir).free / 2**30
    progress.say(f"work dir {args.work_dir} ({free_gib:,.0f} GiB free), sizes {args.months}, {os.cpu_count()} cores")
    help_text = generator_help()
    results = [run_size(months, args, help_text, progress) for months in dict.fromkeys(args.months)]
    print_table(results, args.tickets_per_day)
    kept = "DuckDB files kept" if args.keep else "DuckDB files deleted"
    progress.say(f"done; logs, timings and dbt targets in {args.work_dir} ({kept})")


if __name__ == "__main__":
    main(sys.argv[1:])
