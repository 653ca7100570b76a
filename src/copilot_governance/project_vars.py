"""The project's table of vars (dbt_project.yml, vars.project_vars), rendered for people.

dbt validates every var against that table (macros/project_vars.sql); this module renders the same
table into the README (between the `project-vars` markers) and into the docs overview
(`models/docs/project_vars.md`, block `__overview__`), so the three never disagree.

    python -m copilot_governance.project_vars --write   # re-render after editing the table
    python -m copilot_governance.project_vars --check   # exit 1 when a rendering is stale (CI)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from copilot_governance.paths import project_root

BEGIN = "<!-- project-vars:begin (rendered from dbt_project.yml by python -m copilot_governance.project_vars) -->"
END = "<!-- project-vars:end -->"
TYPES = ("integer", "number", "date", "timestamp", "identifier")
DEFAULT_WORDS = {
    "yesterday": "yesterday (UTC)",
    "run start": "the time the run started (UTC)",
    "target database": "the target's database",
}


@dataclass(frozen=True)
class VarSpec:
    """One row of the table of vars."""

    name: str
    type: str
    default: str
    meaning: str
    min: str | None = None
    max: str | None = None
    env: str | None = None

    @property
    def range_text(self) -> str:
        if self.type == "identifier":
            return "a letter or `_`, then letters, digits, `_` or `$` (at most 255)"
        low = self.min if self.min is not None else ""
        high = "today (UTC)" if self.max == "today" else (self.max if self.max is not None else "")
        if low and high:
            return f"{low} to {high}"
        return f"from {low}" if low else (f"up to {high}" if high else "")

    @property
    def default_text(self) -> str:
        return DEFAULT_WORDS.get(self.default, f"`{self.default}`")


def _text(value: object) -> str:
    """A figure as a reader writes it: 0.20 (yaml reads 0.2), 0.0000001 (not 1e-07), 1.96, 5000."""
    if not isinstance(value, float):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction}0" if len(fraction) == 1 and value < 1 else text


def load_specs(root: Path | None = None) -> list[VarSpec]:
    """The table of vars, in its order, checked for the fields every row needs."""
    project = yaml.safe_load(((root or project_root()) / "dbt_project.yml").read_text())
    rows = project["vars"]["project_vars"]
    specs = []
    for row in rows:
        missing = {"name", "type", "default", "meaning"} - set(row)
        if missing:
            raise ValueError(f"dbt_project.yml vars.project_vars: {row.get('name')!r} lacks {sorted(missing)}")
        if row["type"] not in TYPES:
            raise ValueError(f"dbt_project.yml vars.project_vars: {row['name']!r} has type {row['type']!r}")
        specs.append(
            VarSpec(
                name=row["name"],
                type=row["type"],
                default=_text(row["default"]),
                meaning=" ".join(str(row["meaning"]).split()),
                min=None if row.get("min") is None else _text(row["min"]),
                max=None if row.get("max") is None else _text(row["max"]),
                env=row.get("env"),
            )
        )
    return specs


def markdown_table(specs: Sequence[VarSpec]) -> str:
    lines = ["| var | type | range | default | env var | meaning |", "| --- | --- | --- | --- | --- | --- |"]
    for s in specs:
        env = f"`{s.env}`" if s.env else ""
        lines.append(f"| `{s.name}` | {s.type} | {s.range_text} | {s.default_text} | {env} | {s.meaning} |")
    return "\n".join(lines)


def readme_section(specs: Sequence[VarSpec]) -> str:
    return f"{BEGIN}\n{markdown_table(specs)}\n{END}"


def docs_block(specs: Sequence[VarSpec]) -> str:
    return (
        "{#- Rendered from dbt_project.yml (vars.project_vars) by "
        "python -m copilot_governance.project_vars --write. -#}\n"
        "{% docs __overview__ %}\n"
        "# copilot_governance\n\n"
        "The governance warehouse of a support-AI copilot pilot: staging (one view per raw table), intermediate "
        "(joins and the one evaluation of every signal), marts (KPIs, thresholds, anomalies, the rollback gate, "
        "data quality). See the README for how to run it.\n\n"
        "## Vars\n\n"
        "The project's vars (set with `--vars '{name: value}'`; an identifier var can also come from its env var). "
        "Every one is validated at the start of a run, before any model builds.\n\n"
        f"{markdown_table(specs)}\n"
        "{% enddocs %}\n"
    )


def render_readme(readme: str, specs: Sequence[VarSpec]) -> str:
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError("README.md has no project-vars markers")
    return readme[:start] + readme_section(specs) + readme[end + len(END) :]


def stale_files(root: Path | None = None) -> dict[Path, str]:
    """Each rendered file whose content differs from the rendering, with the content it should have."""
    root = root or project_root()
    specs = load_specs(root)
    readme, docs = root / "README.md", root / "models" / "docs" / "project_vars.md"
    wanted = {readme: render_readme(readme.read_text(), specs), docs: docs_block(specs)}
    return {path: text for path, text in wanted.items() if not path.exists() or path.read_text() != text}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m copilot_governance.project_vars", description=__doc__)
    parser.add_argument("--write", action="store_true", help="re-render the README table and the docs block")
    parser.add_argument("--check", action="store_true", help="exit 1 when a rendering is stale")
    args = parser.parse_args(argv)
    stale = stale_files()
    if args.write:
        for path, text in stale.items():
            path.write_text(text)
            print(f"wrote {path}")
        return 0
    if stale:
        print("stale (run python -m copilot_governance.project_vars --write): " + ", ".join(map(str, stale)))
        return 1
    print("the README and models/docs/project_vars.md match dbt_project.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
