"""What a playbook sets in the project's configuration seeds (issue 11: `playbook import`).

`plan_import(book, seeds_dir, valid_from)` computes, seed by seed, the rows the playbook gives, keeping
every row and column the playbook does not set (the project's documented defaults, listed in
`ImportPlan.kept`). Nothing is written until `write(plan)`; a seed whose rows do not change is left
byte for byte as it is. Values are compared as values (590 = 590.0), so a re-import is a no-op.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from copilot_governance.playbook.schema import Playbook, PlaybookError

Row = dict[str, str]

#: Playbook baseline keys -> metrics.md names.
BASELINE_METRICS = {
    "AHT_seconds": "aht_seconds",
    "CSAT": "csat_pct",
    "deflection_rate": "deflection_rate",
    "escalation_rate": "escalation_rate",
}
#: Playbook targets and SLOs -> (kpi_targets metric, target_kind, comparison).
TARGETS = {
    ("targets", "AHT_delta_pct"): ("aht_seconds", "kpi_target", "delta_pct_at_most"),
    ("targets", "CSAT_min"): ("csat_pct", "kpi_target", "at_least"),
    ("targets", "escalation_max"): ("escalation_rate", "kpi_target", "at_most"),
    ("slo", "draft_latency_ms_p95"): ("draft_latency_p95_ms", "slo", "at_most"),
    ("slo", "coverage_pct"): ("coverage_rate", "slo", "at_least"),
    ("slo", "auto_suggest_accept_pct"): ("draft_acceptance_rate", "kpi_target", "at_least"),
}


@dataclass
class SeedFile:
    path: Path
    columns: list[str]
    rows: list[Row]

    def text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([row.get(c, "") for c in self.columns])
        return out.getvalue()


@dataclass
class ImportPlan:
    before: dict[Path, SeedFile] = field(default_factory=dict)
    after: dict[Path, SeedFile] = field(default_factory=dict)
    #: Other files the playbook renders (the docs block naming it), path -> text.
    texts: dict[Path, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def changed(self) -> list[Path]:
        seeds = [p for p, seed in self.after.items() if not _same_rows(self.before.get(p), seed)]
        return seeds + [p for p, text in self.texts.items() if not p.exists() or p.read_text() != text]

    def new_text(self, path: Path) -> str:
        return self.texts[path] if path in self.texts else self.after[path].text()

    def diff(self) -> str:
        chunks = []
        for path in self.changed():
            old = path.read_text() if path.exists() else ""
            new = self.new_text(path)
            chunks.extend(difflib.unified_diff(old.splitlines(True), new.splitlines(True), str(path), str(path)))
        return "".join(chunks)


def read_seed(path: Path) -> SeedFile:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        return SeedFile(path, list(reader.fieldnames or []), [dict(r) for r in reader])


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _same_value(a: str, b: str) -> bool:
    x, y = _number(a), _number(b)
    return (x == y) if x is not None and y is not None else a == b


def _same_rows(before: SeedFile | None, after: SeedFile) -> bool:
    if before is None or before.columns != after.columns or len(before.rows) != len(after.rows):
        return False
    return all(
        _same_value(r1.get(c, ""), r2.get(c, ""))
        for r1, r2 in zip(before.rows, after.rows, strict=True)
        for c in after.columns
    )


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) >= 1 else repr(float(value))


def _scope(book: Playbook, seed: SeedFile, pilot_id: str) -> SeedFile:
    existing = {(r["queue"], r["region"]): r for r in seed.rows if r["pilot_id"] == pilot_id}
    others = [r for r in seed.rows if r["pilot_id"] != pilot_id]
    rows = []
    for queue in book.pilot.queues:
        for region in book.pilot.regions:
            share = existing.get((queue, region), {}).get("expected_pilot_share", "0.5")
            rows.append({"pilot_id": pilot_id, "queue": queue, "region": region, "expected_pilot_share": share})
    return SeedFile(seed.path, seed.columns, others + rows)


def _channels(book: Playbook, seed: SeedFile, pilot_id: str) -> SeedFile:
    others = [r for r in seed.rows if r["pilot_id"] != pilot_id]
    rows = [{"pilot_id": pilot_id, "channel": channel} for channel in book.pilot.channels]
    return SeedFile(seed.path, seed.columns, others + rows)


def _residency(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    set_regions = book.telemetry.data_residency
    rows = []
    for row in seed.rows:
        if row["ticket_region"] in set_regions:
            continue
        rows.append(row)
        kept.append(
            f"residency_policy: {row['ticket_region']} -> {row['allowed_processing_region']} (not in the playbook)"
        )
    new = [{"ticket_region": r, "allowed_processing_region": p} for r, p in set_regions.items()]
    # the playbook's regions first, in its order, then the kept ones as they were
    return SeedFile(seed.path, seed.columns, new + rows)


def _baselines(
    book: Playbook, seed: SeedFile, known_queues: set[str], intent_queues: dict[str, str], kept: list[str]
) -> SeedFile:
    """A key that is a queue is the queue's baseline (intent `*`); a key that is an intent is that
    intent's, written with the queue it is routed to (seed intents)."""
    given: dict[tuple[str, str, str], float] = {}
    for key, metric in BASELINE_METRICS.items():
        for name, value in getattr(book.metrics.baselines, key).items():
            if name in known_queues and name in intent_queues:
                raise PlaybookError(
                    [f"metrics.baselines.{key}.{name}: {name!r} is both a queue and an intent; rename one in the seeds"]
                )
            if name in known_queues:
                given[(name, "*", metric)] = value
            elif name in intent_queues:
                given[(intent_queues[name], name, metric)] = value
            else:
                raise PlaybookError(
                    [
                        f"metrics.baselines.{key}.{name}: {name!r} is neither a known queue (seed queues) nor a "
                        "known intent (seed intents)"
                    ]
                )
    rows, seen = [], set()
    for row in seed.rows:
        key = (row["queue"], row["intent"], row["metric"])
        if row["region"] == "*" and key in given:
            seen.add(key)
            if not _same_value(row["baseline_value"], _figure(given[key])):
                row = {**row, "baseline_value": _figure(given[key]), "source_note": f"Playbook {book.version}"}
        else:
            scope = row["queue"] if row["intent"] == "*" else row["intent"]
            kept.append(f"kpi_baselines: {scope}/{row['region']} {row['metric']} (not in the playbook)")
        rows.append(row)
    for (queue, intent, metric), value in given.items():
        if (queue, intent, metric) not in seen:
            rows.append(
                {
                    "queue": queue,
                    "intent": intent,
                    "region": "*",
                    "metric": metric,
                    "baseline_value": _figure(value),
                    "source_note": f"Playbook {book.version}",
                }
            )
    return SeedFile(seed.path, seed.columns, rows)


def _targets(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    given = {}
    for (section, key), (metric, kind, comparison) in TARGETS.items():
        value = getattr(getattr(book.metrics, section), key)
        if value is not None:
            given[metric] = (kind, comparison, value)
    rows = []
    for row in seed.rows:
        if row["metric"] in given:
            kind, comparison, value = given.pop(row["metric"])
            if not (
                row["target_kind"] == kind
                and row["comparison"] == comparison
                and _same_value(row["target_value"], _figure(value))
            ):
                row = {
                    **row,
                    "target_kind": kind,
                    "comparison": comparison,
                    "target_value": _figure(value),
                    "description": f"Playbook {book.version}: {comparison} {_figure(value)}",
                }
        else:
            kept.append(f"kpi_targets: {row['metric']} (not in the playbook)")
        rows.append(row)
    for metric, (kind, comparison, value) in given.items():
        rows.append(
            {
                "metric": metric,
                "target_kind": kind,
                "comparison": comparison,
                "target_value": _figure(value),
                "description": f"Playbook {book.version}",
            }
        )
    return SeedFile(seed.path, seed.columns, rows)


def _thresholds(book: Playbook, seed: SeedFile, valid_from: date, kept: list[str]) -> SeedFile:
    """Each intent's threshold from valid_from; the open row it replaces ends then (valid_to = valid_from)."""
    rows = [dict(r) for r in seed.rows]
    for intent, t in book.thresholds.by_intent.items():
        open_rows = [r for r in rows if r["intent"] == intent and not r["valid_to"]]
        current = open_rows[-1] if open_rows else None
        if (
            current
            and _same_value(current["suggest_min_conf"], _figure(t.suggest_min_conf))
            and _same_value(current["review_below_conf"], _figure(t.require_human_review_below))
        ):
            continue
        if current:
            if date.fromisoformat(current["valid_from"]) >= valid_from:
                raise PlaybookError(
                    [
                        f"thresholds.by_intent.{intent}: --valid-from {valid_from} is not after the row in force "
                        f"since {current['valid_from']}; choose a later date"
                    ]
                )
            current["valid_to"] = valid_from.isoformat()
        rows.append(
            {
                "intent": intent,
                "suggest_min_conf": _figure(t.suggest_min_conf),
                "review_below_conf": _figure(t.require_human_review_below),
                "valid_from": valid_from.isoformat(),
                "valid_to": "",
                "source_note": f"Playbook {book.version}: suggest at {t.suggest_min_conf}, review below "
                f"{t.require_human_review_below}",
            }
        )
    kept.extend(
        f"intent_thresholds: {r['intent']} (not in the playbook)"
        for r in rows
        if not r["valid_to"] and r["intent"] not in book.thresholds.by_intent
    )
    return SeedFile(seed.path, seed.columns, rows)


def _rules(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    given = {rule.rule: rule for _, rule in book.rule_conditions()}
    rows = []
    for row in seed.rows:
        rule = given.get(row["rule"])
        if rule is None:
            kept.append(f"rollback_rules: {row['rule']} (not in the playbook)")
            rows.append(row)
            continue
        wanted = {
            "comparison": rule.comparison,
            "limit_source_metric": rule.limit_source_metric or "",
            "limit_value": "" if rule.limit_value is None else _figure(rule.limit_value),
            "limit_factor": _figure(rule.limit_factor) if rule.limit_factor != 1 else "1.0",
            "current_window_days": str(rule.current_window_days),
        }
        if all(_same_value(row[k], v) for k, v in wanted.items()):
            rows.append(row)
        else:
            rows.append({**row, **wanted})
    return SeedFile(seed.path, seed.columns, rows)


def _owners(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    if not book.owners:
        kept.extend(f"owners: {r['role']} (the playbook names no owners)" for r in seed.rows)
        return seed
    return SeedFile(seed.path, seed.columns, [{"role": role, "owner": who} for role, who in book.owners.items()])


def _approval_steps(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    if not book.approval_steps:
        kept.extend(f"approval_steps: {r['step']} (the playbook names no approval steps)" for r in seed.rows)
        return seed
    return SeedFile(seed.path, seed.columns, [{"step": a.step, "owner_role": a.owner} for a in book.approval_steps])


def _playbook_row(book: Playbook, seed: SeedFile, kept: list[str]) -> SeedFile:
    before = seed.rows[0] if seed.rows else {}
    row = {
        "playbook_name": book.playbook,
        "playbook_version": book.version,
        "slack_channel": book.artifacts.evidence_sources.slack_channel or "",
        "retention_days": str(book.telemetry.retention_days),
        "training_due_within_hours": str(book.training_updates.due_within_hours or ""),
        "decision_ledger_ref": book.links.get("decision_ledger_ref", ""),
    }
    for column, value in row.items():
        if not value and before.get(column):
            row[column] = before[column]
            kept.append(f"playbook: {column} {before[column]} (not in the playbook)")
    return SeedFile(seed.path, seed.columns, [row])


def playbook_docs(book: Playbook) -> str:
    """The docs block every mart's description ends with: which playbook configures the warehouse."""
    return (
        "{#- Rendered from seeds/playbook/playbook.csv by copilot-governance playbook import. -#}\n"
        "{% docs playbook %}\n"
        f'Configured by the retro playbook "{book.playbook}", version {book.version} (seed playbook).\n'
        "{% enddocs %}\n"
    )


def _check_names(book: Playbook, seeds: dict[str, SeedFile], known_intents: set[str]) -> None:
    """Every name the playbook uses must be one the reference seeds know (else the seeds' tests would
    stop the nightly, or a residency map naming an unknown cloud region would fire the gate on every
    call): each problem names its YAML path."""
    regions = {r["region"] for r in seeds["known_regions"].rows}
    processing = {r["processing_region"] for r in seeds["known_processing_regions"].rows}
    problems = [
        f"pilot.regions[{i}]: {region!r} is not a known region (seed regions)"
        for i, region in enumerate(book.pilot.regions)
        if region not in regions
    ]
    for region, cloud in book.telemetry.data_residency.items():
        if region not in regions:
            problems.append(f"telemetry.data_residency.{region}: {region!r} is not a known region (seed regions)")
        if cloud not in processing:
            problems.append(
                f"telemetry.data_residency.{region}: {cloud!r} is not a known processing region "
                f"(seed processing_regions: {', '.join(sorted(processing))})"
            )
    problems += [
        f"thresholds.by_intent.{intent}: {intent!r} is not a known intent (seed intents)"
        for intent in book.thresholds.by_intent
        if intent not in known_intents
    ]
    if book.owners:
        used = {r["owner_role"] for r in seeds["rules"].rows + seeds["advisory_signals"].rows if r.get("owner_role")}
        problems += [
            f"owners: no {role!r}, the role the rules and signals of seeds rollback_rules and advisory_signals "
            "notify; add it"
            for role in sorted(used - set(book.owners))
        ]
    if problems:
        raise PlaybookError(problems)


def plan_import(
    book: Playbook,
    seeds_dir: Path,
    valid_from: date | None = None,
    pilot_id: str | None = None,
    source_text: str | None = None,
) -> ImportPlan:
    plan = ImportPlan()
    files = {
        "scope": seeds_dir / "pilot" / "pilot_scope.csv",
        "channels": seeds_dir / "pilot" / "pilot_channels.csv",
        "pilots": seeds_dir / "pilot" / "pilots.csv",
        "residency": seeds_dir / "governance" / "residency_policy.csv",
        "baselines": seeds_dir / "pilot" / "kpi_baselines.csv",
        "targets": seeds_dir / "pilot" / "kpi_targets.csv",
        "thresholds": seeds_dir / "pilot" / "intent_thresholds.csv",
        "rules": seeds_dir / "governance" / "rollback_rules.csv",
        "queues": seeds_dir / "reference" / "queues.csv",
        "intents": seeds_dir / "reference" / "intents.csv",
        "known_channels": seeds_dir / "reference" / "channels.csv",
        "known_regions": seeds_dir / "reference" / "regions.csv",
        "known_processing_regions": seeds_dir / "reference" / "processing_regions.csv",
        "advisory_signals": seeds_dir / "governance" / "advisory_signals.csv",
        "owners": seeds_dir / "playbook" / "owners.csv",
        "playbook": seeds_dir / "playbook" / "playbook.csv",
        "approval_steps": seeds_dir / "playbook" / "approval_steps.csv",
    }
    seeds = {name: read_seed(path) for name, path in files.items()}
    pilots = [r["pilot_id"] for r in seeds["pilots"].rows]
    pilot = pilot_id or (pilots[0] if len(pilots) == 1 else None)
    if pilot not in pilots:
        raise PlaybookError(
            [f"pilot: choose the pilot the playbook configures with --pilot-id (one of {', '.join(pilots)})"]
        )
    known_queues = {r["queue"] for r in seeds["queues"].rows}
    for i, queue in enumerate(book.pilot.queues):
        if queue not in known_queues:
            raise PlaybookError([f"pilot.queues[{i}]: {queue!r} is not a known queue (seed queues)"])
    intent_queues = {r["intent"]: r["queue"] for r in seeds["intents"].rows}
    _check_names(book, seeds, set(intent_queues))
    known_channels = {r["channel"] for r in seeds["known_channels"].rows}
    for i, channel in enumerate(book.pilot.channels):
        if channel not in known_channels:
            raise PlaybookError(
                [
                    f"pilot.channels[{i}]: {channel!r} is not a known channel (seed channels: "
                    f"{', '.join(sorted(known_channels))})"
                ]
            )
    kept = plan.kept
    after = [
        _scope(book, seeds["scope"], pilot),
        _channels(book, seeds["channels"], pilot),
        _residency(book, seeds["residency"], kept),
        _baselines(book, seeds["baselines"], known_queues, intent_queues, kept),
        _targets(book, seeds["targets"], kept),
        _thresholds(book, seeds["thresholds"], valid_from or date.today(), kept),
        _rules(book, seeds["rules"], kept),
        _owners(book, seeds["owners"], kept),
        _playbook_row(book, seeds["playbook"], kept),
        _approval_steps(book, seeds["approval_steps"], kept),
    ]
    for seed in after:
        plan.before[seed.path] = seeds[next(k for k, p in files.items() if p == seed.path)]
        plan.after[seed.path] = seed
    plan.texts[seeds_dir.parent / "models" / "docs" / "playbook.md"] = playbook_docs(book)
    if source_text is not None:
        # the playbook as imported, verbatim: the base of `playbook export`
        plan.texts[seeds_dir.parent / "playbook" / "playbook.yml"] = source_text
    return plan


def write(plan: ImportPlan) -> list[Path]:
    changed = plan.changed()
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(plan.new_text(path))
    return changed
