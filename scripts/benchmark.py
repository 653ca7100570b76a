"""Benchmark: generate a month of pilot telemetry at the seed organisation's volume and build it.

Prints figures (wall time, peak memory, rows) for the generator and for `dbt build` on DuckDB.
Not a test: nothing here asserts a time. Run it with the project's environment:

    .venv/bin/python scripts/benchmark.py                      # 60,000 tickets/day for 30 days
    .venv/bin/python scripts/benchmark.py --tickets-per-day 10000 --days 7 --skip-build
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# Runs one command in a fresh interpreter and prints the peak RSS (KiB) of that command alone,
# so each step's figure is its own and not the largest child of the benchmark so far.
_PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys; "
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(rc)"
)


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run cmd; return (wall seconds, peak RSS in MiB of that command)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_WRAPPER, *cmd], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib / 1024


def count_rows(db_path: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        return {
            table: con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            for table in ("zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence")
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets-per-day", type=int, default=60_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--end-date", default="2026-10-31")
    parser.add_argument("--skip-build", action="store_true", help="only measure the generator")
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args()

    import datetime as dt

    end = dt.date.fromisoformat(args.end_date)
    start = end - dt.timedelta(days=args.days - 1)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="copilot-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "bench.duckdb"
    # A fresh warehouse and a fresh parse, as on a new clone, also in a reused work dir.
    shutil.rmtree(work_dir / "target", ignore_errors=True)
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PILOT_DUCKDB_PATH": str(db_path),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
    }

    print(f"generating {args.tickets_per_day:,} tickets/day x {args.days} days ({start} to {end}) into {db_path}")
    gen_s, gen_mib = run_measured(
        [
            str(BIN / "copilot-governance"),
            "generate",
            "--db",
            str(db_path),
            "--quiet",
            "--tickets-per-day",
            str(args.tickets_per_day),
            "--start-date",
            start.isoformat(),
            "--end-date",
            end.isoformat(),
        ],
        env,
    )
    rows = count_rows(db_path)
    print(f"generator: {gen_s:.1f} s wall, peak RSS {gen_mib:,.0f} MiB")
    for table, n in rows.items():
        print(f"  raw.{table}: {n:,} rows")
    if args.skip_build:
        return
    build_s, build_mib = run_measured(
        [str(BIN / "dbt"), "build", "--target", "duckdb", "--vars", f"{{as_of_date: '{end.isoformat()}'}}"], env
    )
    print(f"dbt build (DuckDB, 2 threads): {build_s:.1f} s wall, peak RSS {build_mib:,.0f} MiB")
    print(f"artefacts in {work_dir}")


if __name__ == "__main__":
    main()
