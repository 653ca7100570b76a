"""`playbook export`: today's configuration written back as a retro playbook.

The base is the playbook last imported (playbook/playbook.yml, kept verbatim by the import): what the
project only carries (agenda, cadence, approval steps, providers...) comes from it, and
every value the seeds hold overrides it, so a hand edit of a seed shows in the export. Export then
import leaves every seed unchanged; import then export gives back every value of the playbook (the
residency map is today's whole policy: the playbook's regions and the project's defaults).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from copilot_governance.playbook.conditions import parse_condition
from copilot_governance.playbook.seeds import BASELINE_METRICS, TARGETS, read_seed


def _value(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def render_condition(rule: dict[str, str]) -> str:
    """The playbook condition string of a rollback_rules row (the inverse of parse_condition)."""
    name, days = rule["rule"], int(rule["current_window_days"])
    if name == "confidence_drift":
        return f"confidence_drift > {_value(rule['limit_value'])} over {days * 24}h"
    if name == "escalation_breach":
        return f"escalation_rate > target * {_value(rule['limit_factor'])}"
    if name == "residency_violation":
        return "ticket.region != prompt.region"
    if name == "csat_drop":
        return f"rolling_{days}day_csat < CSAT_min"
    raise ValueError(f"rule {name!r} has no playbook condition form")


def export_playbook(seeds_dir: Path, base: dict[str, Any], pilot_id: str | None = None) -> dict[str, Any]:
    out = copy.deepcopy(base)
    (book,) = read_seed(seeds_dir / "playbook" / "playbook.csv").rows
    out["playbook"], out["version"] = book["playbook_name"], book["playbook_version"]
    out["owners"] = {r["role"]: r["owner"] for r in read_seed(seeds_dir / "playbook" / "owners.csv").rows}
    scope = [r for r in read_seed(seeds_dir / "pilot" / "pilot_scope.csv").rows if pilot_id in (None, r["pilot_id"])]
    pilot = out.setdefault("pilot", {})
    pilot["queues"] = list(dict.fromkeys(r["queue"] for r in scope))
    pilot["regions"] = list(dict.fromkeys(r["region"] for r in scope))
    channels = read_seed(seeds_dir / "pilot" / "pilot_channels.csv").rows
    pilot["channels"] = [r["channel"] for r in channels if pilot_id in (None, r["pilot_id"])]
    telemetry = out.setdefault("telemetry", {})
    policy = read_seed(seeds_dir / "governance" / "residency_policy.csv").rows
    telemetry["data_residency"] = {r["ticket_region"]: r["allowed_processing_region"] for r in policy}
    telemetry["retention_days"] = int(book["retention_days"])
    metrics = out.setdefault("metrics", {})
    names = {v: k for k, v in BASELINE_METRICS.items()}
    baselines: dict[str, dict[str, float | int]] = {}
    for r in read_seed(seeds_dir / "pilot" / "kpi_baselines.csv").rows:
        if r["region"] == "*" and r["metric"] in names:
            key = r["queue"] if r["intent"] == "*" else r["intent"]
            baselines.setdefault(names[r["metric"]], {})[key] = _value(r["baseline_value"])
    metrics["baselines"] = baselines
    targets = {r["metric"]: r for r in read_seed(seeds_dir / "pilot" / "kpi_targets.csv").rows}
    for (section, key), (metric, _, _) in TARGETS.items():
        if metric in targets:
            metrics.setdefault(section, {})[key] = _value(targets[metric]["target_value"])
    thresholds = out.setdefault("thresholds", {})
    thresholds["by_intent"] = {
        r["intent"]: {
            "suggest_min_conf": _value(r["suggest_min_conf"]),
            "require_human_review_below": _value(r["review_below_conf"]),
        }
        for r in read_seed(seeds_dir / "pilot" / "intent_thresholds.csv").rows
        if r["intent"] != "*" and not r["valid_to"]
    }
    rules = {r["rule"]: r for r in read_seed(seeds_dir / "governance" / "rollback_rules.csv").rows}
    for trigger in thresholds.get("anomaly_triggers", []):
        trigger["condition"] = render_condition(rules[parse_condition(trigger["condition"]).rule])
    rollbacks = out.setdefault("rollbacks", {})
    rollbacks["conditions"] = [
        render_condition(rules[parse_condition(c).rule]) for c in rollbacks.get("conditions", [])
    ]
    if book["training_due_within_hours"]:
        out.setdefault("training_updates", {})["due_within_hours"] = int(book["training_due_within_hours"])
    steps = read_seed(seeds_dir / "playbook" / "approval_steps.csv").rows
    if steps:
        out["approval_steps"] = [{"step": r["step"], "owner": r["owner_role"]} for r in steps]
    sources = out.setdefault("artifacts", {}).setdefault("evidence_sources", {})
    sources["slack_channel"] = book["slack_channel"]
    out.setdefault("links", {})["decision_ledger_ref"] = book["decision_ledger_ref"]
    return out


def export_text(seeds_dir: Path, base_path: Path, pilot_id: str | None = None) -> str:
    base = yaml.safe_load(base_path.read_text())
    return yaml.safe_dump(export_playbook(seeds_dir, base, pilot_id), sort_keys=False, allow_unicode=True)
