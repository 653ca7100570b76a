"""The exec one-pager and the retro evidence pack (issue 12), from the marts only.

`copilot-governance report --as-of DATE --out DIR` writes:
- `DIR/one-pager.html` (and `one-pager.pdf`): the playbook's "1-pager with KPI impact, decisions,
  regional notes": the go/no-go with each criterion, the scorecard against baseline and control, the
  decisions and open actions of the ledger, regional notes, charts;
- `DIR/evidence-pack.html`, following the playbook's retro agenda: metric deltas vs baseline over the
  pilot's days, the exception review (residency, PII, jailbreaks: counts and call ids, never text),
  acceptance curves by intent with the configured and recommended thresholds, prompt template
  versions and acceptance before and after each version change, 20 annotated tickets (ids and
  metadata), decisions;
- `DIR/csv/*.csv`: every table either page shows.
Pages are self-contained (inline CSS, charts as inline SVG): they work offline.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from copilot_governance.metric_registry import load_registry
from copilot_governance.publishing import charts
from copilot_governance.publishing.brief import BriefError, check_as_of, control_words, query_rows, read_marts
from copilot_governance.publishing.formatting import LOWER_IS_BETTER, figure, name_of, percent_change, unit_of

#: The agenda's metric deltas (AHT, CSAT, deflection, escalation); their numerator and denominator
#: columns of pilot_kpis_daily and their scale come from the metric registry.
DAILY_METRICS = ("aht_seconds", "csat_pct", "deflection_rate", "escalation_rate")
ANNOTATED_TICKETS = 20


class ReportError(Exception):
    """The report cannot be made; the message says what to fix."""


@dataclass
class Table:
    """A table a page shows, and the CSV it is also written to."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]

    def display(self, column: str, row: dict[str, Any]) -> str:
        value = row[column]
        if value is None:
            return ""
        if isinstance(value, float):
            metric = row.get("metric")
            if metric and column in {
                "baseline_value",
                "pilot_value",
                "control_value",
                "criterion_value",
                "limit_value",
                "target_value",
                "metric_before",
                "metric_after",
            }:
                return figure(value, unit_of(metric))
            if column in {"delta_pct"}:
                return percent_change(value)
            if column.endswith(("_rate", "acceptance", "coverage")) or column.startswith("acceptance"):
                return figure(value, "rate")
            return f"{value:,.3f}"
        return str(value)


@dataclass
class Report:
    as_of: date
    playbook: str
    decisions: list[dict[str, Any]]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)


def _table(report: Report, name: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(name, columns, rows)
    report.tables[name] = table
    return table


def collect(db_path: Path, as_of: date | None = None) -> Report:
    return read_marts(db_path, lambda con: _collect(con, as_of), "report", ReportError)


def _collect(con: duckdb.DuckDBPyConnection, as_of: date | None) -> Report:
    try:
        as_of = check_as_of(con, as_of)
    except BriefError as exc:
        raise ReportError(str(exc)) from None
    decisions = query_rows(con, "select * from marts.pilot_go_no_go order by pilot_id")
    playbook = f"{decisions[0]['playbook_name']} v{decisions[0]['playbook_version']}"
    report = Report(as_of, playbook, decisions)
    _criteria(con, report)
    _scorecard(con, report)
    _retro(con, report)
    _regional_notes(con, report)
    _daily(con, report)
    _exceptions(con, report)
    _acceptance_curves(con, report)
    _template_versions(con, report)
    _annotated_tickets(con, report)
    return report


def _criteria(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    rows = query_rows(con, "select * from marts.pilot_go_no_go_criteria order by pilot_id, criterion, scope, metric")
    _table(
        report,
        "go_no_go_criteria",
        rows,
        [
            "pilot_id",
            "criterion",
            "scope",
            "metric",
            "criterion_value",
            "comparison",
            "limit_value",
            "verdict",
            "verdict_reason",
            "sample_size",
            "min_sample",
        ],
    )


def _scorecard(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    rows = query_rows(con, "select * from marts.pilot_scorecard order by pilot_id, queue, region, metric")
    _table(
        report,
        "scorecard",
        rows,
        [
            "pilot_id",
            "queue",
            "region",
            "metric",
            "baseline_value",
            "pilot_value",
            "delta_pct",
            "target_value",
            "status",
            "denominator",
            "control_value",
            "diff_vs_control",
            "diff_vs_control_lower",
            "diff_vs_control_upper",
        ],
    )
    comparison = query_rows(
        con, "select * from marts.pilot_control_comparison order by pilot_id, queue, region, metric"
    )
    _table(
        report,
        "control_comparison",
        comparison,
        [
            "pilot_id",
            "queue",
            "region",
            "metric",
            "pilot_value",
            "control_value",
            "difference",
            "difference_cs_lower",
            "difference_cs_upper",
            "pilot_clusters",
            "control_clusters",
            "status",
        ],
    )
    report.words["control"] = [
        f"{r['queue']} / {r['region']}: {control_words(r)}" for r in comparison if control_words(r) is not None
    ]
    with_delta = [r for r in rows if r["delta_pct"] is not None and r["metric"] in DAILY_METRICS]
    report.charts["kpi_deltas"] = charts.svg(
        charts.delta_bars(
            "KPI impact: pilot arm against the frozen baseline",
            [f"{name_of(r['metric'])} {r['queue']}/{r['region']}" for r in with_delta],
            [100 * r["delta_pct"] for r in with_delta],
            [r["metric"] in LOWER_IS_BETTER for r in with_delta],
        )
    )


def _retro(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    decisions = query_rows(con, "select * from marts.retro_decisions order by decided_at, decision_id")
    _table(
        report,
        "decisions",
        decisions,
        [
            "decision_id",
            "retro_label",
            "decided_at",
            "subject",
            "decision",
            "change",
            "owner_role",
            "approver",
            "metric",
            "effective_date",
            "metric_before",
            "metric_after",
        ],
    )
    actions = query_rows(
        con, "select * from marts.retro_board where status != 'done' order by days_overdue desc nulls last, due_date"
    )
    _table(
        report,
        "open_actions",
        actions,
        [
            "action_id",
            "decision_id",
            "title",
            "owner_role",
            "owner",
            "due_date",
            "status",
            "days_overdue",
            "success_metric",
            "success_target",
        ],
    )


def _regional_notes(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    scorecard = report.tables["scorecard"].rows
    regions = sorted({r["region"] for r in scorecard})
    residency = {
        r["ticket_region"]: r["n"]
        for r in query_rows(
            con,
            "select ticket_region, count(*) as n from marts.anomaly_residency_mismatch where is_violation "
            "group by ticket_region",
        )
    }
    firings = query_rows(con, "select rule, scope, message from marts.rollback_status")
    for region in regions:
        lines = []
        csat = [r for r in scorecard if r["region"] == region and r["metric"] == "csat_pct" and r["denominator"]]
        good = sum(r["numerator"] or 0 for r in csat)
        answered = sum(r["denominator"] for r in csat)
        if answered:
            lines.append(f"CSAT of the pilot arm {figure(100 * good / answered, 'pts')} over {answered:,} responses.")
        lines.append(f"Residency violations (all days): {residency.get(region, 0):,}.")
        lines.extend(f"Fires tonight: {f['message']}" for f in firings if region in f["scope"].split("/"))
        report.notes[region] = lines


def _scope_filter(report: Report) -> tuple[str, list[Any]]:
    pairs = sorted({(r["queue"], r["region"]) for r in report.tables["scorecard"].rows})
    clause = " or ".join("(queue = ? and region = ?)" for _ in pairs) or "false"
    return f"({clause})", [v for pair in pairs for v in pair]


def _daily(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """The four agenda metrics per day over the pilot window (pilot arm, control) and their baseline."""
    card = report.tables["scorecard"].rows
    if not card:
        return
    start, end = min(r["pilot_start_date"] for r in card), max(r["pilot_end_date"] for r in card)
    b_start, b_end = min(r["baseline_start_date"] for r in card), max(r["baseline_end_date"] for r in card)
    scope, params = _scope_filter(report)
    metrics = [load_registry().metric(name) for name in DAILY_METRICS]
    columns = dict.fromkeys(column for m in metrics for column in (m.numerator, m.denominator))
    sums = ", ".join(f"sum({column}) as {column}" for column in columns)
    days = query_rows(
        con,
        f"select kpi_date, copilot_enabled, {sums} from marts.pilot_kpis_daily where {scope} "
        "and kpi_date between ? and ? group by kpi_date, copilot_enabled order by kpi_date",
        [*params, start, end],
    )
    baseline = query_rows(
        con,
        f"select {sums} from marts.pilot_kpis_daily where {scope} and kpi_date between ? and ?",
        [*params, b_start, b_end],
    )[0]
    rows = []
    for m in metrics:
        metric, num, den = m.name, m.numerator, m.denominator
        base = m.value(baseline[num], baseline[den])
        series = []
        for arm, label, colour in ((True, "pilot arm", charts.PILOT_COLOUR), (False, "control", charts.CONTROL_COLOUR)):
            points = [d for d in days if d["copilot_enabled"] is arm]
            values = [m.value(d[num], d[den]) for d in points]
            series.append(charts.Series(label, [d["kpi_date"] for d in points], values, colour))
            rows.extend(
                {
                    "metric": metric,
                    "kpi_date": d["kpi_date"],
                    "arm": label,
                    "metric_value": v,
                    "denominator": d[den],
                    "baseline_value": base,
                }
                for d, v in zip(points, values, strict=True)
            )
        unit = {"s": "seconds", "pts": "CSAT (0-100)"}.get(unit_of(metric), "rate")
        report.charts[f"daily_{metric}"] = charts.svg(
            charts.daily_lines(f"{name_of(metric)} by day, pilot scope", unit, series, base)
        )
    _table(
        report, "daily_metrics", rows, ["metric", "kpi_date", "arm", "metric_value", "denominator", "baseline_value"]
    )


def _exceptions(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    residency = query_rows(
        con,
        "select prompt_id, ticket_id, logged_date, ticket_region, processing_region, reason, is_violation "
        "from marts.anomaly_residency_mismatch order by logged_date, prompt_id",
    )
    _table(
        report,
        "residency_exceptions",
        residency,
        ["prompt_id", "ticket_id", "logged_date", "ticket_region", "processing_region", "reason", "is_violation"],
    )
    pii = query_rows(
        con,
        "select prompt_id, exception_type, ticket_id, logged_date, processing_region, model, prompt_template_version "
        "from marts.advisory_pii_exceptions order by exception_type, logged_date, prompt_id",
    )
    _table(
        report,
        "pii_and_jailbreak_exceptions",
        pii,
        [
            "prompt_id",
            "exception_type",
            "ticket_id",
            "logged_date",
            "processing_region",
            "model",
            "prompt_template_version",
        ],
    )
    counts: dict[str, int] = defaultdict(int)
    for r in residency:
        counts["residency violation" if r["is_violation"] else f"residency {r['reason']}"] += 1
    for r in pii:
        counts[r["exception_type"].replace("_", " ")] += 1
    _table(
        report,
        "exception_counts",
        [{"exception": k, "calls": v} for k, v in sorted(counts.items())],
        ["exception", "calls"],
    )


def _acceptance_curves(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    bands = query_rows(con, "select * from marts.threshold_acceptance_by_intent order by intent, region, band_lower")
    recommendations = query_rows(con, "select * from marts.threshold_recommendations order by intent, region")
    _table(
        report,
        "threshold_recommendations",
        recommendations,
        [
            "intent",
            "region",
            "configured_suggest_min_conf",
            "recommended_suggest_min_conf",
            "expected_acceptance",
            "expected_coverage",
            "drafts_decided",
            "acceptance_target",
        ],
    )
    _table(
        report,
        "acceptance_by_band",
        bands,
        [
            "intent",
            "region",
            "band_lower",
            "drafts_decided",
            "acceptance_rate",
            "acceptance_at_or_above",
            "coverage_at_or_above",
            "configured_suggest_min_conf",
        ],
    )
    by_intent: dict[str, dict[str, tuple[list[float], list[float | None], list[float | None]]]] = defaultdict(dict)
    for r in bands:
        curve = by_intent[r["intent"]].setdefault(r["region"], ([], [], []))
        curve[0].append(r["band_lower"])
        curve[1].append(r["acceptance_at_or_above"])
        curve[2].append(r["coverage_at_or_above"])
    for intent, curves in sorted(by_intent.items()):
        configured = next((r["configured_suggest_min_conf"] for r in bands if r["intent"] == intent), None)
        recommended = {
            r["region"]: r["recommended_suggest_min_conf"]
            for r in recommendations
            if r["intent"] == intent and r["recommended_suggest_min_conf"] is not None
        }
        report.charts[f"acceptance_{intent}"] = charts.svg(
            charts.acceptance_curve(intent, curves, configured, recommended)
        )


def _template_versions(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """Template versions in use (first and last day, decided drafts, acceptance) and, for each template
    whose version changed, acceptance under the version before against the version after."""
    versions = query_rows(
        con,
        "select calls.prompt_template_version, min(drafts.drafted_date) as first_date, "
        "max(drafts.drafted_date) as last_date, count(*) filter (where drafts.is_decided) as drafts_decided, "
        "count(*) filter (where drafts.is_accepted) as drafts_accepted "
        "from marts.fct_drafts as drafts inner join marts.fct_model_calls as calls "
        "on drafts.prompt_id = calls.prompt_id group by calls.prompt_template_version order by 1",
    )
    for v in versions:
        v["template"], _, v["version"] = v["prompt_template_version"].partition("@")
        v["acceptance_rate"] = v["drafts_accepted"] / v["drafts_decided"] if v["drafts_decided"] else None
    _table(
        report,
        "template_versions",
        versions,
        ["prompt_template_version", "first_date", "last_date", "drafts_decided", "drafts_accepted", "acceptance_rate"],
    )
    changes = []
    by_template: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in versions:
        by_template[v["template"]].append(v)
    for template, rows in sorted(by_template.items()):
        rows.sort(key=lambda r: r["first_date"])
        for before, after in itertools.pairwise(rows):
            changes.append(
                {
                    "template": template,
                    "from_version": before["version"],
                    "to_version": after["version"],
                    "changed_on": after["first_date"],
                    "acceptance_before": before["acceptance_rate"],
                    "decided_before": before["drafts_decided"],
                    "acceptance_after": after["acceptance_rate"],
                    "decided_after": after["drafts_decided"],
                }
            )
    _table(
        report,
        "template_changes",
        changes,
        [
            "template",
            "from_version",
            "to_version",
            "changed_on",
            "acceptance_before",
            "decided_before",
            "acceptance_after",
            "decided_after",
        ],
    )
    if versions:
        report.charts["template_versions"] = charts.svg(
            charts.version_bars(
                "Draft acceptance by prompt template version",
                [v["prompt_template_version"] for v in versions],
                [v["acceptance_rate"] for v in versions],
            )
        )


def _annotated_tickets(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """20 decided drafts spread across intents and confidence bands: per (intent, band) the draft
    with the smallest sha-256 of its id (deterministic, unrelated to the outcome), then round-robin
    over intents, each intent's bands in spread order (lowest, highest, middle...)."""
    candidates = query_rows(
        con,
        "select draft_id, ticket_id, intent, ticket_queue, ticket_region, confidence_score, confidence_band_lower, "
        "confidence_band_upper, suggestion_mode, suggest_min_conf, review_below_conf, agent_action, "
        "edit_distance_ratio, is_accepted, funnel_stage from marts.fct_drafts where is_decided",
    )
    ranked: dict[tuple[str, float], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for row in candidates:
        key = (row["intent"] or "(unclassified)", row["confidence_band_lower"])
        ranked[key].append((hashlib.sha256(row["draft_id"].encode()).hexdigest(), row))
    bands: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
    for (intent, _), rows in sorted(ranked.items()):
        bands[intent].append([row for _, row in sorted(rows, key=lambda r: r[0])])
    queues: dict[str, list[dict[str, Any]]] = {}
    for intent, per_band in bands.items():
        # each intent's bands in spread order (lowest, highest, middle...), then their next-ranked drafts
        order = [per_band[i] for i in _spread(len(per_band))]
        depth = max(len(b) for b in order)
        queues[intent] = [b[k] for k in range(depth) for b in order if k < len(b)]
    picked: list[dict[str, Any]] = []
    while len(picked) < ANNOTATED_TICKETS and any(queues.values()):
        for intent in sorted(queues):
            if queues[intent] and len(picked) < ANNOTATED_TICKETS:
                picked.append(queues[intent].pop(0))
    picked = [dict(row) for row in picked]
    for row in picked:
        row["band"] = f"{row['confidence_band_lower']:.2f}-{row['confidence_band_upper']:.2f}"
        row["annotation"] = _annotation(row)
    _table(
        report,
        "annotated_tickets",
        picked,
        [
            "ticket_id",
            "draft_id",
            "intent",
            "ticket_queue",
            "ticket_region",
            "confidence_score",
            "band",
            "suggestion_mode",
            "agent_action",
            "edit_distance_ratio",
            "is_accepted",
            "annotation",
        ],
    )


def _spread(n: int) -> list[int]:
    """0..n-1 in an order that covers the range early: the ends, then the midpoint of the widest gap."""
    if n <= 2:
        return list(range(n))
    order, chosen = [0, n - 1], {0, n - 1}
    while len(order) < n:
        ranked = sorted(chosen)
        gaps = [(b - a, a, b) for a, b in itertools.pairwise(ranked) if b - a > 1]
        _, a, b = max(gaps, key=lambda g: (g[0], -g[1]))
        middle = (a + b) // 2
        order.append(middle)
        chosen.add(middle)
    return order


def _annotation(row: dict[str, Any]) -> str:
    threshold = row["suggest_min_conf"]
    position = (
        f"at or above the threshold {threshold:.2f}"
        if threshold is not None and row["confidence_score"] >= threshold
        else f"below the threshold {threshold:.2f}"
        if threshold is not None
        else "no threshold in force"
    )
    action = row["agent_action"]
    if action == "edited" and row["edit_distance_ratio"] is not None:
        action += f" ({100 * row['edit_distance_ratio']:.0f}% changed)"
    verdict = "counts as accepted" if row["is_accepted"] else "not accepted"
    shown = f"shown as {row['suggestion_mode']}"
    return f"confidence {row['confidence_score']:.2f}, {position}; {shown}; agent {action}: {verdict}"


# --- writing -------------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("copilot_governance.publishing", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fig"] = figure
    env.filters["pct"] = percent_change
    env.filters["name"] = name_of
    env.filters["unit"] = unit_of
    return env


def write(report: Report, out_dir: Path, pdf: bool = True) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_dir = out_dir / "csv"
    csv_dir.mkdir(exist_ok=True)
    written = []
    for table in report.tables.values():
        path = csv_dir / f"{table.name}.csv"
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=table.columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(table.rows)
        written.append(path)
    env = _environment()
    context = {"r": report, "yesterday": report.as_of - timedelta(days=1)}
    for template, name in (("one_pager.html.j2", "one-pager.html"), ("evidence_pack.html.j2", "evidence-pack.html")):
        path = out_dir / name
        path.write_text(env.get_template(template).render(**context))
        written.append(path)
    if pdf:
        from copilot_governance.publishing.pdf import write_pdf

        written.append(write_pdf(report, out_dir / "one-pager.pdf"))
    return written
