"""The command line of what people read: `nightly`, `publish`, `brief` (and `report`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from copilot_governance.paths import DEFAULT_DB


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from copilot_governance.publishing.nightly import EXIT_MEANINGS

    codes = "; ".join(f"{code}: {meaning}" for code, meaning in EXIT_MEANINGS.items())
    nightly = sub.add_parser(
        "nightly",
        help="the night's job: pre-flight, dbt build, publish, brief (for cron)",
        description="Pre-flight of the load, the production dbt build (selector nightly: no unit tests), "
        "publish the serving file BI tools read (DuckDB), then the daily brief (sent to Slack when "
        f"SLACK_WEBHOOK_URL is set). Exit codes: {codes}. When several apply, the first of 2, 3, 1, 4, 5, 6.",
    )
    nightly.add_argument("--as-of", type=_day, default=None, help="the night evaluated (default: yesterday, UTC)")
    nightly.add_argument("--target", choices=("duckdb", "snowflake"), default="duckdb")
    nightly.add_argument(
        "--db", default=None, help=f"the build's DuckDB file (default: env PILOT_DUCKDB_PATH, else {DEFAULT_DB})"
    )
    nightly.add_argument(
        "--serving-db",
        type=Path,
        default=None,
        help="the serving file (default: env PILOT_SERVING_DUCKDB_PATH, else <db>.serving.duckdb beside it)",
    )
    nightly.add_argument(
        "--brief-dir", type=Path, default=None, help="where the brief files go (default: <db dir>/briefs)"
    )
    nightly.add_argument("--no-send", action="store_true", help="write the brief files, do not post to Slack")

    publish = sub.add_parser(
        "publish",
        help="copy the marts and audit relations into the serving DuckDB file (atomic replace)",
        description="Copy every relation of schemas marts and audit of the build file into a new serving file "
        "and rename it over the previous one: readers keep the old snapshot until they reconnect, and never "
        "block the build. Snowflake needs no copy (readers have their own role).",
    )
    publish.add_argument("--db", default=None, help=f"the build's DuckDB file (default {DEFAULT_DB})")
    publish.add_argument("--serving-db", type=Path, default=None, help="default: <db>.serving.duckdb")

    brief = sub.add_parser(
        "brief",
        help="render the daily brief from the marts; send it to Slack (SLACK_WEBHOOK_URL) or print it",
        description="The as-of day's brief from the marts only: rollback and advisory firings with owners, "
        "data completeness, KPIs against baseline and control, acceptance and coverage, cost per solved "
        "ticket, the go/no-go, and what changed since yesterday. Exit 0 sent or printed; 1 not sent "
        "(Slack unreachable or the payload refused); 2 usage (no marts, no webhook URL).",
    )
    brief.add_argument(
        "--as-of", type=_day, default=None, help="the night the warehouse was built for (default); another is refused"
    )
    brief.add_argument(
        "--db",
        default=None,
        help="the DuckDB file to read the marts from (default: the serving file of the default build file)",
    )
    brief.add_argument("--format", choices=("markdown", "blocks"), default="markdown", help="what --dry-run prints")
    brief.add_argument("--dry-run", action="store_true", help="print the brief; send nothing")

    report = sub.add_parser(
        "report",
        help="write the exec one-pager (HTML, PDF) and the retro evidence pack (HTML, CSVs) from the marts",
        description="Writes DIR/one-pager.html and .pdf (go/no-go with each criterion, scorecard against "
        "baseline and control, decisions and open actions, regional notes, charts), DIR/evidence-pack.html "
        "(the playbook's retro agenda: metric deltas, exception review, annotated tickets, acceptance curves, "
        "template versions, decisions) and DIR/csv/ (every table shown). Pages are self-contained (offline).",
    )
    report.add_argument(
        "--as-of", type=_day, default=None, help="the night the warehouse was built for (default); another is refused"
    )
    report.add_argument("--out", type=Path, required=True, help="the directory to write")
    report.add_argument("--db", default=None, help="the DuckDB file to read the marts from (default: the serving file)")
    report.add_argument("--no-pdf", action="store_true", help="skip the PDF of the one-pager")


def _serving_default(db: str | None) -> Path:
    from copilot_governance.paths import database_path
    from copilot_governance.publishing.warehouse import serving_path_for

    return serving_path_for(database_path(db or os.environ.get("PILOT_DUCKDB_PATH")))


def run(args: argparse.Namespace) -> int:
    if args.command == "nightly":
        from copilot_governance.paths import project_root
        from copilot_governance.publishing.nightly import NightlyConfig, run_nightly, summary

        config = NightlyConfig(
            project_dir=project_root(),
            target=args.target,
            as_of=args.as_of,
            db_path=Path(args.db).absolute() if args.db else None,
            serving_path=args.serving_db.absolute() if args.serving_db else None,
            brief_dir=args.brief_dir,
            send_brief=not args.no_send,
        )
        code, steps = run_nightly(config)
        print(summary(code, steps, config.as_of_date), flush=True)
        return code
    if args.command == "publish":
        from copilot_governance.paths import database_path
        from copilot_governance.publishing.warehouse import PublishError, publish, serving_path_for

        build = database_path(args.db or os.environ.get("PILOT_DUCKDB_PATH"))
        try:
            done = publish(build, args.serving_db.absolute() if args.serving_db else serving_path_for(build))
        except PublishError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"published {done.relations} relations ({done.rows:,} rows) to {done.serving_path}")
        return 0
    if args.command == "report":
        return _report(args)
    return _brief(args)


def _report(args: argparse.Namespace) -> int:
    from copilot_governance.publishing.report import ReportError, collect, write

    db = Path(args.db).absolute() if args.db else _serving_default(None)
    try:
        report = collect(db, args.as_of)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in write(report, args.out, pdf=not args.no_pdf):
        if path.suffix != ".csv":
            print(f"wrote {path}")
    print(f"wrote {len(report.tables)} CSVs to {args.out / 'csv'}")
    return 0


def _brief(args: argparse.Namespace) -> int:
    from copilot_governance.publishing.brief import BriefError, collect, render_blocks, render_markdown, send

    db = Path(args.db).absolute() if args.db else _serving_default(None)
    try:
        brief = collect(db, args.as_of)
    except BriefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        print(render_markdown(brief) if args.format == "markdown" else json.dumps(render_blocks(brief), indent=2))
        return 0
    url = os.environ.get("SLACK_WEBHOOK_URL")
    if not url:
        print(
            "error: SLACK_WEBHOOK_URL is not set (the Slack incoming webhook); use --dry-run to print", file=sys.stderr
        )
        return 2
    try:
        send(url, brief)
    except BriefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"sent the brief for {brief.as_of} to Slack")
    return 0
