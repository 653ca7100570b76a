"""Command line: `copilot-governance generate | validate | playbook | nightly | publish | brief | report`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter

from copilot_governance.generator import config as cfg
from copilot_governance.generator.pilot_config import read_pilot_windows
from copilot_governance.paths import DEFAULT_DB, database_path, project_root


def _date(text: str) -> date:
    try:
        return cfg.parse_date(text)
    except cfg.ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copilot-governance",
        description="Pilot data generator and raw-table validation for the copilot governance warehouse.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser(
        "generate",
        help="generate the raw tables into a DuckDB file",
        description="Generate raw.zs_ticket_outcomes, raw.zs_prompt_logs and "
        "raw.zs_draft_confidence (deterministic for a seed and date range).",
    )
    gen.add_argument(
        "--db",
        default=None,
        help=f"DuckDB file to write (default {DEFAULT_DB} in the project root; a relative path is taken "
        "from the current directory)",
    )
    gen.add_argument("--parquet-dir", type=Path, help="also write one Parquet file per table")
    gen.add_argument("--manifest", type=Path, help="manifest JSON (default <db>.manifest.json)")
    gen.add_argument("--start-date", type=_date, help="first day, YYYY-MM-DD (default: 56 days ending at the end date)")
    gen.add_argument("--end-date", type=_date, help="last day, inclusive (default: yesterday UTC)")
    gen.add_argument("--pilot-start-date", type=_date, help="first day of the pilot (default: start date + 28 days)")
    gen.add_argument(
        "--rollout-date",
        type=_date,
        help="org-wide rollout, YYYY-MM-DD within the range: from this day on tickets in every queue and region "
        "may get the copilot arm (half of them, as in the pilot; the rest are the control arm), with drafts and "
        "model calls; before it only the pilot's scope (default: no rollout)",
    )
    gen.add_argument(
        "--tickets-per-day",
        type=_int,
        default=cfg.DEFAULT_TICKETS_PER_DAY,
        help=f"average tickets per day (default {cfg.DEFAULT_TICKETS_PER_DAY})",
    )
    gen.add_argument("--seed", type=_int, default=cfg.DEFAULT_SEED, help=f"random seed (default {cfg.DEFAULT_SEED})")
    plant_names = ", ".join([*cfg.GOVERNANCE_PLANTS, *cfg.PLANT_GROUPS])
    gen.add_argument(
        "--plant",
        action="append",
        default=[],
        metavar="NAME",
        help=f"plant a governance event (repeatable): {plant_names}",
    )
    gen.add_argument(
        "--event-date", type=_date, help="as-of day d of the planted events (window d-2..d; default: end date)"
    )
    gen.add_argument("--no-bad-input", dest="bad_input", action="store_false", help="do not plant bad-input rows")
    gen.add_argument("--no-redeliveries", dest="redeliveries", action="store_false", help="deliver every key once")
    gen.add_argument("--no-late-rows", dest="late_rows", action="store_false", help="no late deliveries")
    effects = gen.add_argument_group("agent effects (issue 14: what clustering and assignment checks are for)")
    effects.add_argument("--agent-speed-sd", type=float, default=0.0, help="sd of each agent's log handle-time factor")
    effects.add_argument(
        "--agent-arm-share-sd", type=float, default=0.0, help="sd of each agent's copilot-arm share around 0.5"
    )
    effects.add_argument(
        "--agent-copilot-effect-sd",
        type=float,
        default=0.0,
        help="sd of each agent's log copilot effect on handle time",
    )
    effects.add_argument(
        "--assignment-bug-share",
        type=float,
        default=0.0,
        help="share of the control arm's easier tickets rerouted to the copilot arm (a sample ratio mismatch)",
    )
    gen.add_argument(
        "--no-unmapped", dest="unmapped", action="store_false", help="no new (unmapped) queue, intent or model"
    )
    gen.add_argument(
        "--pilot-config",
        type=Path,
        help="take the date range and pilot start from a pilots seed (e.g. seeds/pilot/pilots.csv): "
        "baseline start to the pilot's end date (or the end date / yesterday while it runs)",
    )
    gen.add_argument("--pilot-id", help="with --pilot-config: which pilot (default: the file's first)")
    gen.add_argument("--quiet", action="store_true", help="no progress or summary output")

    val = sub.add_parser(
        "validate",
        help="validate the raw tables against the contract (Great Expectations checkpoints, in the database)",
        description="Run the GX project's checkpoints (gx/checkpoints/) over raw.zs_ticket_outcomes, "
        "raw.zs_prompt_logs and raw.zs_draft_confidence: a schema check (tables, columns, types), then "
        "every row rule of the contract computed in the database. Prints each failing expectation with "
        "its unexpected row count and where the Data Docs are. Exit 0: all pass; 1: the contract is "
        "broken; 2: usage error (bad argument, missing file or variable, no connection).",
    )
    val.add_argument(
        "--target",
        choices=("duckdb", "snowflake"),
        default="duckdb",
        help="where the raw tables are: a DuckDB file (default) or Snowflake (the env vars of profiles.yml)",
    )
    val.add_argument(
        "--db",
        default=None,
        help=f"DuckDB file, opened read-only and never created (default {DEFAULT_DB} in the project root; "
        "a relative path is taken from the current directory)",
    )
    val.add_argument(
        "--reference-time",
        default=None,
        metavar="TIMESTAMP",
        help="the run's reference time, 'YYYY-MM-DD HH:MM:SS' UTC or ISO 8601 (default: now): a _loaded_at "
        "later than it plus max_loaded_at_hours_after_reference is implausible",
    )
    val.add_argument(
        "--gx-dir", type=Path, default=None, help="the GX project directory (default gx/ in the project root)"
    )
    val.add_argument(
        "--write-suites",
        action="store_true",
        help="regenerate the GX project's files (suites, validation definitions, checkpoints, datasources) "
        "from the contract and the plausibility limits seed, then exit",
    )
    # Removed: every expectation now runs in the database over all rows (no sample is fetched).
    val.add_argument("--sample-rows", default=None, help=argparse.SUPPRESS)
    val.add_argument("--quiet", action="store_true", help="print only failures")
    book = sub.add_parser("playbook", help="the retro playbook (shared/playbooks/*.yml): validate or import it")
    book_sub = book.add_subparsers(dest="playbook_command", required=True, metavar="ACTION")
    book_validate = book_sub.add_parser(
        "validate", help="check a playbook against its schema; every problem names its YAML path"
    )
    book_validate.add_argument("file", type=Path, help="the playbook YAML file")
    book_import = book_sub.add_parser(
        "import", help="write the configuration seeds the playbook sets (what it does not set keeps its default)"
    )
    book_import.add_argument("file", type=Path, help="the playbook YAML file")
    book_import.add_argument(
        "--valid-from",
        type=_date,
        default=None,
        help="the day imported thresholds take effect, closing the rows they replace (default: today, UTC)",
    )
    book_import.add_argument("--pilot-id", default=None, help="the pilot the playbook configures (seed pilots)")
    book_import.add_argument("--seeds-dir", type=Path, default=None, help="default: the project's seeds/")
    book_import.add_argument("--dry-run", action="store_true", help="print the diff against the seeds; write nothing")
    book_export = book_sub.add_parser(
        "export", help="write today's configuration back as a playbook (base: the last imported, playbook/playbook.yml)"
    )
    book_export.add_argument("--output", type=Path, default=None, help="the file to write (default: standard output)")
    book_export.add_argument("--pilot-id", default=None, help="the pilot whose scope to export")
    book_export.add_argument("--seeds-dir", type=Path, default=None, help="default: the project's seeds/")
    from copilot_governance.publishing.cli import add_parsers

    add_parsers(sub)
    return parser


def _generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    start_date, end_date, pilot_start_date = args.start_date, args.end_date, args.pilot_start_date
    try:
        if args.pilot_config is not None:
            if start_date is not None or pilot_start_date is not None:
                raise cfg.ConfigError(
                    "--pilot-config sets the start and pilot start dates; drop --start-date/--pilot-start-date"
                )
            windows = read_pilot_windows(args.pilot_config, args.pilot_id)
            start_date, pilot_start_date = windows.baseline_start, windows.pilot_start
            end_date = end_date or windows.pilot_end
        elif args.pilot_id is not None:
            raise cfg.ConfigError("--pilot-id needs --pilot-config")
        config = cfg.GeneratorConfig(
            start_date=start_date,
            end_date=end_date,
            pilot_start_date=pilot_start_date,
            tickets_per_day=args.tickets_per_day,
            seed=args.seed,
            plants=cfg.resolve_plants(args.plant),
            event_date=args.event_date,
            bad_input=args.bad_input,
            redeliveries=args.redeliveries,
            late_rows=args.late_rows,
            agent_speed_sd=args.agent_speed_sd,
            agent_arm_share_sd=args.agent_arm_share_sd,
            agent_copilot_effect_sd=args.agent_copilot_effect_sd,
            assignment_bug_share=args.assignment_bug_share,
            unmapped=args.unmapped,
            rollout_date=args.rollout_date,
        )
    except cfg.ConfigError as exc:
        parser.error(str(exc))  # exits with status 2

    from copilot_governance.generator import default_manifest_path, write_generated, write_manifest

    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    t0 = perf_counter()
    db = database_path(args.db)
    summary = write_generated(config, db, args.parquet_dir, progress=say)
    manifest = write_manifest(summary, args.manifest or default_manifest_path(db))
    if not args.quiet:
        rollout = f", org-wide rollout from {config.rollout_date}" if config.rollout_date else ""
        print(
            f"generated {config.start}..{config.end} (pilot from {config.pilot_start}{rollout}), "
            f"seed {config.seed}, plants: {', '.join(sorted(config.plants)) or 'none'}"
        )
        for table, rows in summary.row_counts.items():
            latest = summary.manifest["latest_row_counts"][table]
            print(f"  raw.{table}: {rows:,} rows ({latest:,} latest)")
        print(f"  bad rows: {len(summary.manifest['bad_rows'])}")
        print(f"wrote {db} and {manifest}" + (f" and {args.parquet_dir}" if args.parquet_dir else ""))
        t = summary.timings
        print(
            f"timing: simulate {t['simulate']:.1f}s, deliver {t['deliver']:.1f}s, write {t['write']:.1f}s, "
            f"total {perf_counter() - t0:.1f}s"
        )
    return 0


def _validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.sample_rows is not None:
        parser.error("--sample-rows was removed: validate runs every expectation in the database over all rows")
    from copilot_governance import gx_project
    from copilot_governance.contract import ContractError
    from copilot_governance.validation import ValidationSetupError, parse_reference_time, validate

    gx_dir = args.gx_dir.absolute() if args.gx_dir is not None else None
    if args.write_suites:
        try:
            written = gx_project.write_project(gx_dir)
        except (ContractError, gx_project.ProjectError) as exc:
            parser.error(str(exc))
        if not args.quiet:
            for path in written:
                print(f"wrote {path}")
        return 0
    try:
        run = validate(args.target, args.db, parse_reference_time(args.reference_time), gx_dir)
    except (ValidationSetupError, gx_project.ProjectError) as exc:
        parser.error(str(exc))  # exits with status 2
    if not args.quiet:
        print(f"validating {run.location} (target {run.target}, reference time {run.reference_time} UTC)")
    for res in run.tables:
        if res.success and args.quiet:
            continue
        rows = f"{res.rows_checked:,} rows, " if res.rows_checked is not None else ""
        if res.success:
            print(f"raw.{res.table}: ok ({rows}{res.evaluated} expectations)")
        elif res.schema_problems:
            print(f"raw.{res.table}: BROKEN LOAD (schema; its checkpoint did not run)")
        else:
            print(f"raw.{res.table}: FAILED ({rows}{len(res.failed)} of {res.evaluated} expectations failed)")
        for line in res.failures:
            print(f"  {line}")
    if run.data_docs is not None and (not args.quiet or not run.success):
        print(f"Data Docs: {run.data_docs}")
    return 0 if run.success else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "generate":
        return _generate(args, parser)
    if args.command == "playbook":
        return _playbook(args)
    if args.command in ("nightly", "publish", "brief", "report"):
        from copilot_governance.publishing.cli import run

        return run(args)
    return _validate(args, parser)


def _playbook(args: argparse.Namespace) -> int:
    from copilot_governance.playbook.export import export_text
    from copilot_governance.playbook.schema import PlaybookError, load_playbook
    from copilot_governance.playbook.seeds import plan_import, write

    if args.playbook_command == "export":
        seeds_dir = args.seeds_dir or project_root() / "seeds"
        text = export_text(seeds_dir, seeds_dir.parent / "playbook" / "playbook.yml", args.pilot_id)
        if args.output:
            args.output.write_text(text)
        else:
            print(text, end="")
        return 0
    try:
        book = load_playbook(args.file)
        if args.playbook_command == "import":
            seeds_dir = args.seeds_dir or project_root() / "seeds"
            valid_from = args.valid_from or datetime.now(UTC).date()
            plan = plan_import(book, seeds_dir, valid_from, args.pilot_id, args.file.read_text())
    except PlaybookError as exc:
        print(f"{args.file}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.playbook_command == "import":
        print(f"playbook {book.playbook!r} version {book.version}:")
        if args.dry_run:
            print(plan.diff() or "  no seed would change")
        else:
            changed = write(plan)
            print(
                "  wrote " + (", ".join(str(p) for p in changed) if changed else "nothing: every seed already holds it")
            )
        for default in plan.kept:
            print(f"  kept the default: {default}")
        return 0
    print(f"{args.file}: playbook {book.playbook!r} version {book.version}: valid")
    for condition, rule in book.rule_conditions():
        print(f"  {condition!r} -> rule {rule.rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
