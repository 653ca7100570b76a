"""The one-pager as a PDF (matplotlib's PDF backend): the go/no-go, its criteria, the scorecard's
KPI deltas and the regional notes on one A4 page, for readers who forward a file, not a link."""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages

from copilot_governance.publishing import charts
from copilot_governance.publishing.formatting import LOWER_IS_BETTER, figure, name_of, percent_change, unit_of
from copilot_governance.publishing.report import DAILY_METRICS, Report

A4 = (8.27, 11.69)


def write_pdf(report: Report, path: Path) -> Path:
    fig = charts.plt.figure(figsize=A4)
    fig.text(0.06, 0.965, "Copilot pilot: impact brief", fontsize=16, weight="bold")
    fig.text(0.06, 0.945, f"As of {report.as_of} · {report.playbook}", fontsize=9, color="#555")
    y = 0.915
    for d in report.decisions:
        line = (
            f"{d['pilot_id']}: {d['decision']} ({d['criteria_met']}/{d['criteria_total']} criteria met, "
            f"{d['criteria_missed']} missed, {d['criteria_insufficient']} insufficient)"
        )
        fig.text(0.06, y, line, fontsize=11, weight="bold")
        y -= 0.018
        for part in textwrap.wrap(str(d["decision_reason"]), 110)[:3]:
            fig.text(0.06, y, part, fontsize=8)
            y -= 0.014
    criteria = report.tables["go_no_go_criteria"].rows[:18]
    ax = fig.add_axes((0.06, y - 0.33, 0.88, 0.31))
    ax.axis("off")
    ax.set_title("Go / no-go criteria", loc="left", fontsize=10)
    if criteria:
        cells = [
            [
                c["criterion"],
                c["scope"],
                name_of(c["metric"]),
                figure(c["criterion_value"], unit_of(c["metric"])),
                figure(c["limit_value"], unit_of(c["metric"])),
                c["verdict"],
            ]
            for c in criteria
        ]
        table = ax.table(
            cellText=cells, colLabels=["criterion", "scope", "metric", "value", "limit", "verdict"], loc="upper left"
        )
        table.auto_set_font_size(False)
        table.set_fontsize(7)
        table.scale(1, 1.1)
    y -= 0.36
    card = [r for r in report.tables["scorecard"].rows if r["delta_pct"] is not None and r["metric"] in DAILY_METRICS]
    ax = fig.add_axes((0.3, y - 0.3, 0.64, 0.27))
    if card:
        labels = [f"{name_of(r['metric'])} {r['queue']}/{r['region']}" for r in card]
        deltas = [100 * r["delta_pct"] for r in card]
        colours = [
            "#2ca02c" if (d < 0) == (r["metric"] in LOWER_IS_BETTER) else "#d62728"
            for d, r in zip(deltas, card, strict=True)
        ]
        ax.barh(range(len(card)), deltas, color=colours)
        ax.set_yticks(range(len(card)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        for i, r in enumerate(card):
            ax.text(deltas[i], i, f" {percent_change(r['delta_pct'])}", va="center", fontsize=6)
    ax.set_title("KPI impact: pilot arm against the frozen baseline, %", loc="left", fontsize=10)
    y -= 0.34
    fig.text(0.06, y, "Regional notes", fontsize=10, weight="bold")
    y -= 0.016
    for region, lines in report.notes.items():
        for line in [f"{region}: {lines[0]}" if lines else region, *lines[1:3]]:
            for part in textwrap.wrap(line, 120)[:2]:
                fig.text(0.06, y, part, fontsize=7)
                y -= 0.012
    with PdfPages(path, metadata={"Title": f"Copilot pilot impact brief {report.as_of}", "CreationDate": None}) as pdf:
        pdf.savefig(fig)
    charts.plt.close(fig)
    return path
