"""The daily brief (issue 12): what the chair reads each morning "so the retro starts at 80% context".

`collect(db, as_of)` reads the marts only (the serving file, or the build file) into a `Brief`;
`render_markdown` and `render_blocks` (Slack Block Kit) present it; `send` posts it to a Slack
incoming webhook with the official slack_sdk client. The brief never carries prompt text or any raw
text field: it reads named columns of the marts, and the only free text it shows is the project's own
firing messages (rule, scope, values, action, owner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import duckdb

from copilot_governance.metric_registry import load_registry
from copilot_governance.publishing.formatting import METRICS, difference, figure, signed

#: The scorecard metrics the brief shows (the playbook's agenda: AHT, CSAT, deflection, escalation),
#: then acceptance; with their unit for display.
BRIEF_METRICS = {
    m: METRICS[m] for m in ("aht_seconds", "csat_pct", "escalation_rate", "deflection_rate", "draft_acceptance_rate")
}
#: Slack's limits: a section's text, and the number of blocks of a message.
SLACK_SECTION_CHARS = 3000
SLACK_MAX_BLOCKS = 50


T = TypeVar("T")


class BriefError(Exception):
    """The brief cannot be collected or sent; the message says what to fix."""


@dataclass(frozen=True)
class Firing:
    signal: str
    scope: str
    severity: str
    owner_role: str
    message: str
    is_provisional: bool
    fails_build: bool = False
    night: date | None = None


@dataclass(frozen=True)
class Decision:
    pilot_id: str
    decision: str
    reason: str
    evaluated_through: date | None
    criteria_met: int
    criteria_total: int
    criteria_missed: int
    criteria_insufficient: int
    is_as_of_window_loaded: bool


@dataclass(frozen=True)
class KpiLine:
    pilot_id: str
    queue: str
    region: str
    metric: str
    baseline: float | None
    pilot: float | None
    delta_pct: float | None
    status: str | None
    sample: int
    min_sample: int
    pilot_lower: float | None
    pilot_upper: float | None
    control_words: str | None


@dataclass
class Brief:
    as_of: date
    playbook: str
    decisions: list[Decision] = field(default_factory=list)
    rollbacks: list[Firing] = field(default_factory=list)
    advisories: list[Firing] = field(default_factory=list)
    completeness: list[str] = field(default_factory=list)
    kpis: list[KpiLine] = field(default_factory=list)
    acceptance: list[str] = field(default_factory=list)
    cost: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def gate_fired(self) -> bool:
        return any(f.fails_build or f.severity == "error" for f in self.rollbacks)


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def control_words(row: dict[str, Any]) -> str | None:
    """pilot_control_comparison's row in words: direction, size and the sequential interval
    (valid at every nightly look, agents as clusters); None when the sample does not allow it."""
    name, unit = BRIEF_METRICS.get(row["metric"], (row["metric"], "rate"))
    if row["status"] == "insufficient_data" or row["difference"] is None:
        return f"{name} against control: not enough data yet"
    lower, upper = row["difference_cs_lower"], row["difference_cs_upper"]
    interval = f"95% sequential interval {signed(lower, unit)} to {signed(upper, unit)}"
    diff = row["difference"]
    direction = "lower" if diff < 0 else "higher"
    if row["status"] == "no_difference":
        return f"{name}: no clear difference from control ({difference(diff, unit)} {direction}; {interval})"
    better = "better" if row["status"] == "pilot_better" else "worse"
    return f"{name}: {difference(diff, unit)} {direction} than control, {better} ({interval})"


def read_marts(db_path: Path, read: Callable[[duckdb.DuckDBPyConnection], T], what: str, error: type[Exception]) -> T:
    """read(con) on db_path opened read-only; a missing file, a file that cannot be opened or a
    warehouse without the marts `what` reads is `error` with what to do."""
    if not db_path.is_file():
        raise error(f"{db_path} does not exist: run the nightly (or dbt build) first")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise error(f"cannot open {db_path} read-only: {exc}") from exc
    try:
        return read(con)
    except duckdb.CatalogException as exc:
        raise error(f"{db_path} lacks a mart the {what} reads ({exc}); is it a built warehouse?") from exc
    finally:
        con.close()


def collect(db_path: Path, as_of: date | None = None) -> Brief:
    """The as-of day's brief from the marts of db_path (opened read-only); as_of None: the night the
    warehouse was built for."""
    return read_marts(db_path, lambda con: _collect(con, as_of), "brief", BriefError)


def built_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The night the warehouse was built for (pilot_go_no_go.as_of_date), None without a pilot."""
    rows = query_rows(con, "select distinct as_of_date from marts.pilot_go_no_go")
    return rows[0]["as_of_date"] if len(rows) == 1 else None


def check_as_of(con: duckdb.DuckDBPyConnection, as_of: date | None) -> date:
    """The as-of day to read: the warehouse's own; a different one asked for is refused (every mart
    holds the night it was built for, so a brief for another day would mix two nights)."""
    built = built_as_of(con)
    if built is None:
        raise BriefError("marts.pilot_go_no_go has no as-of day: no pilot is configured, or the build did not run")
    if as_of is not None and as_of != built:
        raise BriefError(
            f"the warehouse was built for {built}, not {as_of}: rebuild with --vars "
            f"'{{as_of_date: \"{as_of}\"}}' (or copilot-governance nightly --as-of {as_of}), or ask for {built}"
        )
    return built


def _collect(con: duckdb.DuckDBPyConnection, as_of: date | None) -> Brief:
    as_of = check_as_of(con, as_of)
    decisions = query_rows(con, "select * from marts.pilot_go_no_go order by pilot_id")
    playbook = (
        f"{decisions[0]['playbook_name']} v{decisions[0]['playbook_version']}" if decisions else "no pilot configured"
    )
    brief = Brief(as_of, playbook)
    for d in decisions:
        brief.decisions.append(
            Decision(
                d["pilot_id"],
                d["decision"],
                d["decision_reason"],
                d["evaluated_through_date"],
                d["criteria_met"],
                d["criteria_total"],
                d["criteria_missed"],
                d["criteria_insufficient"],
                bool(d["is_as_of_window_loaded"]),
            )
        )
    for r in query_rows(con, "select * from marts.rollback_status order by rule, scope, night"):
        brief.rollbacks.append(
            Firing(
                r["rule"],
                r["scope"],
                r["severity"],
                r["owner_role"],
                r["message"],
                bool(r["is_provisional"]),
                bool(r["fails_build"]),
                r["night"],
            )
        )
    for r in query_rows(con, "select * from marts.advisory_status order by signal, scope"):
        brief.advisories.append(
            Firing(r["signal"], r["scope"], r["severity"], r["owner_role"], r["message"], bool(r["is_provisional"]))
        )
    _completeness(con, brief)
    _kpis(con, brief)
    _acceptance_and_cost(con, brief)
    _changes(con, brief)
    return brief


def _completeness(con: duckdb.DuckDBPyConnection, brief: Brief) -> None:
    night = query_rows(con, "select * from marts.rollback_calendar where night = ?", [brief.as_of])
    if not night:
        brief.completeness.append(f"The night {brief.as_of} is not in the rollback calendar: no evaluation of it.")
    else:
        n = night[0]
        state = {
            "settled": "settled (final)",
            "provisional": "provisional (data still inside its lateness allowance)",
        }.get(n["evaluation_status"], n["evaluation_status"])
        brief.completeness.append(f"The night {brief.as_of} is {state}.")
        if n["incomplete_rules"]:
            brief.completeness.append(f"{n['incomplete_rules']} rule(s) could not be evaluated on complete data.")
    for d in brief.decisions:
        loaded = "loaded" if d.is_as_of_window_loaded else "NOT loaded (the go/no-go is INCOMPLETE)"
        brief.completeness.append(
            f"{d.pilot_id}: the as-of window is {loaded}; KPIs evaluated through {d.evaluated_through}."
        )
    unreconciled = query_rows(con, "select source_table from audit.audit_load_reconciliation where not is_reconciled")
    quarantined = query_rows(
        con, "select source_table, count(*) as n from audit.audit_quarantined_rows group by source_table order by 1"
    )
    if unreconciled:
        tables = ", ".join(r["source_table"] for r in unreconciled)
        brief.completeness.append(f"Load reconciliation FAILS for {tables}.")
    else:
        brief.completeness.append("Every raw row is accounted for (load reconciliation).")
    if quarantined:
        brief.completeness.append(
            "Quarantined rows: " + ", ".join(f"{r['source_table']} {r['n']:,}" for r in quarantined) + "."
        )


def _kpis(con: duckdb.DuckDBPyConnection, brief: Brief) -> None:
    comparisons = {
        (r["pilot_id"], r["queue"], r["region"], r["metric"]): r
        for r in query_rows(con, "select * from marts.pilot_control_comparison")
    }
    metrics = list(BRIEF_METRICS)
    rows = query_rows(
        con,
        "select * from marts.pilot_scorecard where metric in (select unnest(?)) order by pilot_id, queue, region",
        [metrics],
    )
    rows.sort(key=lambda r: (r["pilot_id"], r["queue"], r["region"], metrics.index(r["metric"])))
    for r in rows:
        comparison = comparisons.get((r["pilot_id"], r["queue"], r["region"], r["metric"]))
        sufficient = r["denominator"] >= r["min_sample"]
        brief.kpis.append(
            KpiLine(
                r["pilot_id"],
                r["queue"],
                r["region"],
                r["metric"],
                r["baseline_value"],
                r["pilot_value"],
                r["delta_pct"],
                r["status"],
                r["denominator"],
                r["min_sample"],
                r["pilot_value_lower"] if sufficient else None,
                r["pilot_value_upper"] if sufficient else None,
                control_words(comparison) if comparison else None,
            )
        )


def _acceptance_and_cost(con: duckdb.DuckDBPyConnection, brief: Brief) -> None:
    for r in query_rows(
        con,
        "select * from marts.pilot_go_no_go_criteria where metric in ('draft_acceptance_rate', 'coverage_rate') "
        "and criterion in ('acceptance', 'slo') order by pilot_id, metric, scope",
    ):
        name = "Acceptance" if r["metric"] == "draft_acceptance_rate" else "Coverage"
        limit = figure(r["limit_value"], "rate") if r["limit_value"] is not None else "n/a"
        value = figure(r["criterion_value"], "rate")
        brief.acceptance.append(
            f"{name} {r['scope']}: {value} over {r['sample_size']:,} (target {limit}): {r['verdict']}"
        )
    day = query_rows(
        con,
        "select count(*) filter (where model_calls > 0) as solved, "
        "sum(model_cost_usd) filter (where model_calls > 0) as cost, "
        "sum(unpriced_model_calls) as unpriced, sum(model_calls) as calls "
        "from marts.fct_tickets where solved_date = ?",
        [brief.as_of],
    )[0]
    if not day["calls"]:
        brief.cost.append(f"No model calls for the tickets solved on {brief.as_of}.")
        return
    if day["unpriced"]:
        brief.cost.append(
            f"Cost per solved ticket on {brief.as_of}: not computed, {day['unpriced']:,} of its calls have no price "
            "(seed model_prices)."
        )
    elif day["solved"]:
        per_ticket = day["cost"] / day["solved"]
        brief.cost.append(
            f"Cost per solved ticket on {brief.as_of}: {figure(per_ticket, 'usd')} "
            f"({figure(day['cost'], 'usd')} over {day['solved']:,} solved tickets with copilot calls)."
        )
    else:
        brief.cost.append(f"No solved ticket with copilot calls on {brief.as_of}.")


def _changes(con: duckdb.DuckDBPyConnection, brief: Brief) -> None:
    yesterday = brief.as_of - timedelta(days=1)
    history = query_rows(
        con,
        "select as_of_date, rule, scope, status from marts.rollback_history where as_of_date in (?, ?)",
        [brief.as_of, yesterday],
    )
    today = {(r["rule"], r["scope"]): r["status"] for r in history if r["as_of_date"] == brief.as_of}
    before = {(r["rule"], r["scope"]): r["status"] for r in history if r["as_of_date"] == yesterday}
    if not before:
        brief.changes.append(f"No evaluation of {yesterday} to compare with.")
    else:
        for key in sorted(set(today) | set(before)):
            now, then = today.get(key), before.get(key)
            if now != then and "fired" in (now, then):
                rule, scope = key
                what = "now fires" if now == "fired" else "no longer fires"
                brief.changes.append(f"{rule} {scope}: {what}")
        if len(brief.changes) == 0:
            brief.changes.append(f"No rollback rule changed status since {yesterday}.")
    # AHT, CSAT and acceptance of the copilot arm, paired as the metric registry pairs them
    moved = [load_registry().metric(name) for name in ("aht_seconds", "csat_pct", "draft_acceptance_rate")]
    columns = dict.fromkeys(column for m in moved for column in (m.numerator, m.denominator))
    kpis = query_rows(
        con,
        "select kpi_date, " + ", ".join(f"sum({column}) as {column}" for column in columns) + " "
        "from marts.pilot_kpis_daily where copilot_enabled and kpi_date in (?, ?) group by kpi_date",
        [brief.as_of, yesterday],
    )
    by_day = {r["kpi_date"]: r for r in kpis}
    if brief.as_of in by_day and yesterday in by_day:
        t, y = by_day[brief.as_of], by_day[yesterday]
        moves = []
        for m in moved:
            name, unit = METRICS[m.name]
            now, then = m.value(t[m.numerator], t[m.denominator]), m.value(y[m.numerator], y[m.denominator])
            if now is not None and then is not None:
                moves.append(
                    f"{name} {figure(then, unit)} -> {figure(now, unit)} "
                    f"(n {y[m.denominator]:,} -> {t[m.denominator]:,})"
                )
        if moves:
            brief.changes.append("Copilot arm, all queues, day over day (single days are noisy): " + "; ".join(moves))


# --- rendering -----------------------------------------------------------------------------------


def _kpi_text(k: KpiLine) -> str:
    name, unit = BRIEF_METRICS[k.metric]
    if k.pilot is None:
        return f"{name}: no pilot-arm data yet"
    text = f"{name} {figure(k.pilot, unit)}"
    if k.pilot_lower is not None and k.pilot_upper is not None:
        text += f" (95% {figure(k.pilot_lower, unit)}-{figure(k.pilot_upper, unit)})"
    if k.baseline is not None:
        text += f" vs baseline {figure(k.baseline, unit)}"
        if k.delta_pct is not None:
            text += f" ({100 * k.delta_pct:+.1f}%)"
    if k.status:
        text += f": {k.status.replace('_', ' ')}"
    if k.sample < k.min_sample:
        text += f" (n={k.sample:,} < {k.min_sample:,})"
    return text


def sections(brief: Brief) -> list[tuple[str, list[str]]]:
    """The brief as titled sections of plain lines (both renderings are made from these)."""
    out: list[tuple[str, list[str]]] = []
    gate = (
        "The rollback gate FIRED: roll back per the playbook."
        if brief.gate_fired
        else "The rollback gate did not fire."
    )
    decisions = [
        f"{d.pilot_id}: {d.decision} ({d.criteria_met}/{d.criteria_total} criteria met, {d.criteria_missed} missed, "
        f"{d.criteria_insufficient} insufficient): {d.reason}"
        for d in brief.decisions
    ] or ["No pilot configured."]
    out.append(("Go / no-go", [gate, *decisions]))
    rollbacks = [
        f"{'ERROR' if f.fails_build else f.severity.upper()} {f.message}"
        + (" (provisional)" if f.is_provisional and "provisional" not in f.message else "")
        for f in brief.rollbacks
    ] or ["No rollback rule fires."]
    out.append(("Rollback rules", rollbacks))
    advisories = [f"{f.severity.upper()} {f.message}" for f in brief.advisories] or ["No advisory signal fires."]
    out.append(("Advisory signals", advisories))
    out.append(("Data completeness", brief.completeness))
    scopes: dict[tuple[str, str, str], list[str]] = {}
    for k in brief.kpis:
        lines = scopes.setdefault((k.pilot_id, k.queue, k.region), [])
        lines.append(_kpi_text(k))
        if k.control_words:
            lines.append("  " + k.control_words)
    for (pilot, queue, region), lines in scopes.items():
        out.append((f"KPIs {queue} / {region} ({pilot}): pilot arm vs baseline and control", lines))
    out.append(("Acceptance and coverage (pilot window)", brief.acceptance or ["No pilot criteria."]))
    out.append(("Cost", brief.cost))
    out.append((f"Since {brief.as_of - timedelta(days=1)}", brief.changes))
    return out


def title(brief: Brief) -> str:
    decisions = ", ".join(f"{d.pilot_id} {d.decision}" for d in brief.decisions) or "no pilot"
    gate = "GATE FIRED" if brief.gate_fired else "gate quiet"
    return f"Copilot pilot brief {brief.as_of}: {decisions}; {gate}"


def render_markdown(brief: Brief) -> str:
    lines = [f"# {title(brief)}", "", f"Playbook: {brief.playbook}. Read from the marts.", ""]
    for heading, body in sections(brief):
        lines.append(f"## {heading}")
        lines.append("")
        lines.extend(f"- {line.strip()}" if not line.startswith("  ") else f"  - {line.strip()}" for line in body)
        lines.append("")
    return "\n".join(lines)


def _mrkdwn_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section_text(heading: str, body: list[str]) -> str:
    text = f"*{_mrkdwn_escape(heading)}*\n" + "\n".join(
        ("    • " if line.startswith("  ") else "• ") + _mrkdwn_escape(line.strip()) for line in body
    )
    if len(text) > SLACK_SECTION_CHARS:
        text = text[: SLACK_SECTION_CHARS - 40] + "\n… (truncated; see the Markdown brief)"
    return text


def render_blocks(brief: Brief) -> dict[str, Any]:
    """The Slack message: `text` (notification fallback) and Block Kit `blocks`. Slack takes at most
    50 blocks: with more pilot scopes than fit, the KPI sections are folded into one (truncated,
    pointing to the Markdown brief), so no other section is ever dropped."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title(brief)[:150], "emoji": False}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn_escape(f"Playbook: {brief.playbook}")}]},
    ]
    parts = sections(brief)
    if len(blocks) + len(parts) > SLACK_MAX_BLOCKS:
        kpis = [(h, b) for h, b in parts if h.startswith("KPIs ")]
        at = next(i for i, (h, _) in enumerate(parts) if h.startswith("KPIs "))
        folded = [f"{h.removeprefix('KPIs ')}: {b[0].strip()}" for h, b in kpis]
        rest = [(h, b) for h, b in parts if not h.startswith("KPIs ")]
        parts = [
            *rest[:at],
            (f"KPIs, {len(kpis)} pilot scopes (AHT shown; all metrics in the Markdown brief)", folded),
            *rest[at:],
        ]
    for heading, body in parts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _section_text(heading, body)}})
    return {"text": title(brief), "blocks": blocks}


# --- sending -------------------------------------------------------------------------------------


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "(not a URL)"


def send(url: str, brief: Brief, timeout_seconds: int = 10, max_retries: int = 2) -> None:
    """Post the brief to a Slack incoming webhook (slack_sdk's WebhookClient, with retries on
    connection errors, rate limits and server errors). Raises BriefError with what to fix."""
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )
    from slack_sdk.webhook import WebhookClient

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise BriefError(
            "SLACK_WEBHOOK_URL is not a webhook URL: expected https://hooks.slack.com/services/... "
            f"(got {_redacted(url)})"
        )
    client = WebhookClient(
        url,
        timeout=timeout_seconds,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )
    message = render_blocks(brief)
    try:
        response = client.send(text=message["text"], blocks=message["blocks"])
    except Exception as exc:  # urllib's errors: refused, DNS, timeout, TLS
        raise BriefError(f"could not reach the Slack webhook at {_redacted(url)}: {exc}") from exc
    if response.status_code != 200:
        raise BriefError(
            f"Slack rejected the brief: HTTP {response.status_code} {response.body!r} (webhook {_redacted(url)}); "
            "a 404 or 403 means the webhook URL is wrong or revoked, a 400 that the payload was refused"
        )
