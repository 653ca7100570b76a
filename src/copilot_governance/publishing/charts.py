"""Charts of the one-pager and the evidence pack, drawn with matplotlib (Agg, no display) and embedded
as inline SVG, so the pages work offline; the same figures go into the PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

PILOT_COLOUR = "#1f77b4"
CONTROL_COLOUR = "#ff7f0e"
BASELINE_COLOUR = "#7f7f7f"
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "cg"})


@dataclass(frozen=True)
class Series:
    label: str
    days: Sequence[date]
    values: Sequence[float | None]
    colour: str


def svg(fig: Figure) -> str:
    """The figure as an inline <svg> element (no XML prolog), then closed."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return re.sub(r"^.*?(<svg\b)", r"\1", text, count=1, flags=re.S)


def daily_lines(title: str, unit: str, series: Sequence[Series], baseline: float | None = None) -> Figure:
    fig, ax = plt.subplots(figsize=(5.2, 2.4))
    for s in series:
        points = [(d, v) for d, v in zip(s.days, s.values, strict=True) if v is not None]
        if points:
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="o",
                markersize=2.5,
                lw=1.2,
                color=s.colour,
                label=s.label,
            )
    if baseline is not None:
        ax.axhline(baseline, color=BASELINE_COLOUR, ls="--", lw=1, label="baseline")
    ax.set_title(title, loc="left", fontsize=10)
    ax.set_ylabel(unit)
    ax.legend(frameon=False, fontsize=8, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.18))
    fig.autofmt_xdate()
    return fig


def delta_bars(
    title: str, labels: Sequence[str], deltas_pct: Sequence[float], good_is_negative: Sequence[bool]
) -> Figure:
    fig, ax = plt.subplots(figsize=(5.2, 0.35 * max(len(labels), 3) + 0.8))
    colours = [
        "#2ca02c" if (d < 0) == neg or d == 0 else "#d62728"
        for d, neg in zip(deltas_pct, good_is_negative, strict=True)
    ]
    ax.barh(range(len(labels)), deltas_pct, color=colours)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("pilot arm vs baseline, %")
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def acceptance_curve(
    intent: str,
    curves: dict[str, tuple[Sequence[float], Sequence[float | None], Sequence[float | None]]],
    configured: float | None,
    recommended: dict[str, float],
) -> Figure:
    """Acceptance and coverage at or above each band's lower edge, per region, with the configured
    and each region's recommended threshold marked."""
    fig, ax = plt.subplots(figsize=(5.2, 2.4))
    regions = sorted(set(curves) | set(recommended))
    colours = {region: plt.get_cmap("tab10")(i) for i, region in enumerate(regions)}
    for region, (bands, acceptance, coverage) in sorted(curves.items()):
        colour = colours[region]
        acc = [(b, a) for b, a in zip(bands, acceptance, strict=True) if a is not None]
        cov = [(b, c) for b, c in zip(bands, coverage, strict=True) if c is not None]
        if acc:
            ax.plot([p[0] for p in acc], [p[1] for p in acc], color=colour, lw=1.4, label=f"{region} acceptance")
        if cov:
            ax.plot([p[0] for p in cov], [p[1] for p in cov], color=colour, lw=1, ls=":", label=f"{region} coverage")
    if configured is not None:
        ax.axvline(configured, color="black", lw=1, label=f"configured {configured:.2f}")
    for region, value in sorted(recommended.items()):
        ax.axvline(value, color=colours[region], lw=1, ls="--", label=f"recommended {region} {value:.2f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence threshold (band lower edge)")
    ax.set_title(intent, loc="left", fontsize=10)
    ax.legend(frameon=False, fontsize=7, ncols=2, loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def version_bars(title: str, labels: Sequence[str], values: Sequence[float | None]) -> Figure:
    fig, ax = plt.subplots(figsize=(5.2, 0.35 * max(len(labels), 3) + 0.8))
    shown = [v if v is not None else 0.0 for v in values]
    ax.barh(range(len(labels)), shown, color=PILOT_COLOUR)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("draft acceptance")
    ax.set_title(title, loc="left", fontsize=10)
    return fig
