"""Governance events: each planted signal breaches on its as-of day with enough sample, even at a
small volume; the default data breaches nothing on any day; unmapped values are present."""

from __future__ import annotations

from datetime import date

import pytest

from copilot_governance.generator import GeneratorConfig, generate

from . import checks
from .checks import CALLS, POLICY, TICKETS
from .conftest import END

D = END  # the default event day: the end date
WINDOW = (date(2025, 2, 28), D)


def events(result):
    return {e["event"]: e for e in result.manifest["events"]}


def test_default_data_breaches_no_signal_on_any_day(default_con):
    drift = checks.drift(default_con)
    assert drift and max(r[5] for r in drift) <= 0.12
    csat = checks.csat(default_con)
    assert csat and min(r[3] for r in csat) >= 80.0
    escalation = checks.escalation(default_con)
    assert escalation and max(r[3] for r in escalation) <= 0.14 * 1.3
    assert checks.residency(default_con) == []


def test_default_data_has_no_new_region_or_processing_region(default_con):
    regions = {r[0] for r in default_con.execute(f"select distinct region from {TICKETS}_clean").fetchall()}
    processing = {r[0] for r in default_con.execute(f"select distinct processing_region from {CALLS}_clean").fetchall()}
    assert regions == set(POLICY) and processing <= set(POLICY.values())


def test_confidence_drift_is_planted(planted_result, planted_con):
    rows = [r for r in checks.drift(planted_con) if r[0] == D and r[1] == "shipping_status" and r[2] == "EU"]
    assert rows, "scope not evaluable"
    _, _, _, current, reference, drift, n_cur, n_ref = rows[0]
    assert drift > 0.12 + 0.03 and current < reference
    assert n_cur >= 60 and n_ref >= 60
    others = [r for r in checks.drift(planted_con) if (r[1], r[2]) != ("shipping_status", "EU")]
    assert all(r[5] <= 0.12 for r in others)
    event = events(planted_result)["confidence_drift"]
    assert event["scope"] == {"region": "EU", "intent": "shipping_status", "queue": None}
    assert (event["first_date"], event["last_date"]) == tuple(d.isoformat() for d in WINDOW)


def test_csat_drop_is_planted(planted_result, planted_con):
    rows = {(r[1], r[2]): r for r in checks.csat(planted_con) if r[0] == D}
    _, _, _, pct, responses = rows[("billing", "NA")]
    assert pct < 70 and responses >= 60
    assert all(r[3] >= 80 for k, r in rows.items() if k != ("billing", "NA"))
    assert events(planted_result)["csat_drop"]["scope"] == {"region": "NA", "intent": None, "queue": "billing"}


def test_escalation_spike_is_planted(planted_result, planted_con):
    rows = {(r[1], r[2]): r for r in checks.escalation(planted_con) if r[0] == D}
    _, _, _, rate, tickets = rows[("billing_refund", "NA")]
    assert rate > 0.14 * 1.3 + 0.1 and tickets >= 60
    assert all(r[3] <= 0.182 for k, r in rows.items() if k != ("billing_refund", "NA"))
    assert events(planted_result)["escalation_spike"]["scope"]["intent"] == "billing_refund"


def test_residency_events_are_planted(planted_result, planted_con):
    violations = checks.residency(planted_con)
    by_reason: dict[str, set[str]] = {}
    for prompt_id, day, _region, _processing, reason in violations:
        by_reason.setdefault(reason, set()).add(prompt_id)
        assert WINDOW[0] <= day <= WINDOW[1]
    ev = events(planted_result)
    assert by_reason["region_not_allowed"] == set(ev["residency_violation"]["keys"])
    assert len(ev["residency_violation"]["keys"]) >= 5
    assert all(v[1] == D and v[2] == "EU" and v[3] == "us-east" for v in violations if v[4] == "region_not_allowed")
    assert by_reason["no_policy_for_region"] == set(ev["residency_no_policy"]["keys"])
    assert all(v[2] == "SEA" and v[3] == "southeastasia" for v in violations if v[4] == "no_policy_for_region")
    assert by_reason["unknown_ticket"] == set(ev["residency_unknown_ticket"]["keys"])
    assert len(by_reason["no_policy_for_region"]) >= 3 and len(by_reason["unknown_ticket"]) >= 3
    assert {"dimension": "region", "value": "SEA"} in planted_result.manifest["unmapped"]


def test_event_date_moves_the_window():
    result = generate(
        GeneratorConfig(
            start_date=date(2025, 1, 20),
            end_date=END,
            tickets_per_day=800,
            plants=frozenset({"csat_drop", "residency_violation"}),
            event_date=date(2025, 2, 20),
        )
    )
    con = checks.connect(result.tables)
    csat = {(r[0], r[1], r[2]): r[3] for r in checks.csat(con)}
    assert csat[(date(2025, 2, 20), "billing", "NA")] < 70
    assert csat[(date(2025, 2, 16), "billing", "NA")] >= 80 and csat[(END, "billing", "NA")] >= 80
    assert {v[1] for v in checks.residency(con)} == {date(2025, 2, 20)}
    assert events(result)["csat_drop"]["first_date"] == "2025-02-18"


def test_unmapped_values_are_present(small_result, small_con):
    assert {(u["dimension"], u["value"]) for u in small_result.manifest["unmapped"]} == {
        ("queue", "warranty-claims"),
        ("intent", "warranty_claim"),
        ("model", "gpt-4.1-mini"),
    }
    warranty = small_con.execute(
        f"select count(*), count(*) filter (where intent = 'warranty_claim'), bool_or(copilot_enabled) "
        f"from {TICKETS}_clean where queue = 'warranty-claims'"
    ).fetchone()
    assert warranty[0] >= 5 and warranty[1] == warranty[0] and not warranty[2]
    new_model = small_con.execute(
        f"select count(*) from {CALLS}_clean c join {TICKETS}_clean t using (ticket_id) "
        "where model = 'gpt-4.1-mini' and t.copilot_enabled"
    ).fetchone()[0]
    assert new_model >= 5


@pytest.mark.parametrize("plant", ["confidence_drift", "escalation_spike"])
def test_plants_that_need_the_pilot_are_refused_before_it(plant):
    from copilot_governance.generator import ConfigError

    with pytest.raises(ConfigError, match="pilot"):
        GeneratorConfig(
            start_date=date(2025, 1, 1),
            end_date=date(2025, 1, 20),
            pilot_start_date=date(2025, 1, 19),
            plants=frozenset({plant}),
        )
