"""End to end: the rollback gate. The generator plants each governance event; `dbt build` for the
event's as-of day must exit non-zero with exactly the expected rule tests failing (csat_drop only
warns), keep the failing rows in the audit schema and the night in rollback_history, skip no model,
and exit 0 on a clean day. A bad as_of_date stops the run with a message saying what is expected."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_runner import run_dbt
from pytests.e2e.governance_scenario import (
    CLEAN_DAY,
    EVENT_DAY,
    GATE_TESTS,
    PLANT_RULE,
    AllEvents,
    gate_outcomes,
    generate_pilot,
    seed_rows,
)
from pytests.scenario import build

pytestmark = pytest.mark.e2e

ERROR_RULES = {"residency_violation", "confidence_drift", "escalation_breach"}


def expected_outcomes(fired_rules: set[str]) -> dict[str, str]:
    return {
        rule: ("pass" if rule not in fired_rules else "fail" if rule in ERROR_RULES else "warn") for rule in GATE_TESTS
    }


#: The rules the planted events fire (data_completeness is not an event: the load is complete).
EVENT_RULES = set(GATE_TESTS) - {"data_completeness"}


def test_event_day_fails_with_exactly_the_fired_rules(pilot: AllEvents):
    result = pilot.event_build
    assert result.returncode != 0
    assert gate_outcomes(result) == expected_outcomes(EVENT_RULES)
    failing = {uid.split(".")[-1] for uid in result.failing("fail")}
    assert failing == {GATE_TESTS[r] for r in ERROR_RULES}, failing
    assert "error" not in result.statuses().values(), result.output[-3000:]


def test_a_failing_gate_skips_no_model(pilot: AllEvents):
    results = pilot.event_build.run_results["results"]
    models = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("model.")}
    assert models, "no model ran"
    assert set(models.values()) == {"success"}, {k: v for k, v in models.items() if v != "success"}
    for name in ("rollback_history", "rollback_runs", "rollback_status", "anomaly_residency_mismatch"):
        assert models[f"model.copilot_governance.{name}"] == "success"


def test_failing_rows_are_stored_in_the_audit_schema(pilot: AllEvents):
    events = pilot.events()
    rows = pilot.event_audit["assert_no_residency_violation"]
    assert {r["scope"] for r in rows} == {
        events["residency_violation"]["scope"]["region"],
        events["residency_no_policy"]["scope"]["region"],
        "unknown",
    }
    for row in rows:
        assert row["as_of_date"] == row["night"] == EVENT_DAY
        assert row["observed_value"] > row["limit_value"] == 0
        assert row["message"].startswith(f"residency_violation fired for {row['scope']} (night {EVENT_DAY})")
        assert row["action"].startswith("disable copilot for the region")
        # the stored failure names the owner to notify (the playbook's role for residency)
        assert row["owner_role"] == "llm_safety_officer" and row["message"].endswith("; notify: llm_safety_officer")
    drift = pilot.event_audit["assert_no_confidence_drift"]
    scope = events["confidence_drift"]["scope"]
    assert [r["scope"] for r in drift] == [f"{scope['intent']}/{scope['region']}"]
    assert drift[0]["observed_value"] > drift[0]["limit_value"]
    assert drift[0]["owner_role"] == "qa_lead"


def test_a_clean_day_exits_zero(pilot: AllEvents):
    result = pilot.clean_build
    assert pilot.query("select * from audit.assert_no_residency_violation") == []
    assert result.returncode == 0, result.output[-3000:]
    assert gate_outcomes(result) == expected_outcomes(set())
    assert pilot.query("select * from marts.rollback_status") == []


def test_history_keeps_every_night(pilot: AllEvents):
    rows = pilot.query("select * from marts.rollback_history order by as_of_date, rule, scope")
    nights = {r["as_of_date"] for r in rows}
    assert nights == {EVENT_DAY, CLEAN_DAY}
    fired = {(r["rule"], r["scope"]) for r in rows if r["as_of_date"] == EVENT_DAY and r["status"] == "fired"}
    assert {rule for rule, _ in fired} == EVENT_RULES
    dates = pilot.query("select * from marts.rollback_fired_dates")
    assert {(r["rule"], r["scope"]) for r in dates} == fired
    assert all(r["first_fired_date"] == r["last_fired_date"] == EVENT_DAY for r in dates)
    clean = [r for r in rows if r["as_of_date"] == CLEAN_DAY]
    assert {r["rule"] for r in clean} == set(GATE_TESTS)
    assert all(r["status"] in ("not_fired", "insufficient_data") and r["scope"] == "*" for r in clean)
    assert all(not r["is_provisional"] for r in rows)


#: Plants generated together: the three residency events fire one rule (each for its own scope).
PLANT_GROUPS = [
    ("residency_violation", "residency_no_policy", "residency_unknown_ticket"),
    ("confidence_drift",),
    ("escalation_spike",),
    ("csat_drop",),
]


def expected_scope(rule: str, scope: dict) -> str:
    return {
        "residency_violation": scope["region"] or "unknown",
        "confidence_drift": f"{scope['intent']}/{scope['region']}",
        "escalation_breach": f"{scope['intent']}/{scope['region']}",
        "csat_drop": f"{scope['queue']}/{scope['region']}",
    }[rule]


@pytest.mark.parametrize("plants", PLANT_GROUPS, ids=lambda plants: "+".join(plants))
def test_each_planted_event_fires_only_its_rule(plants: tuple[str, ...], tmp_path: Path):
    scenario = generate_pilot(tmp_path, *plants)
    # The models and seeds rollback_status needs, and the gate tests (no other data tests: faster).
    selection = ["+rollback_status,resource_type:model", "+rollback_status,resource_type:seed"]
    result = build(
        scenario,
        "--select",
        *selection,
        "path:tests/rollback_gate",
        "--indirect-selection",
        "empty",
        dbt_vars={"as_of_date": EVENT_DAY.isoformat()},
    )
    [rule] = {PLANT_RULE[p] for p in plants}
    assert gate_outcomes(result) == expected_outcomes({rule}), result.output[-3000:]
    assert "error" not in result.statuses().values(), result.output[-3000:]
    expected_failing = [f"test.copilot_governance.{GATE_TESTS[rule]}"] if rule in ERROR_RULES else []
    assert result.failing("fail") == expected_failing
    assert (result.returncode != 0) == (rule in ERROR_RULES)
    with duckdb.connect(str(scenario.db_path), read_only=True) as con:
        fired = set(con.execute("select rule, scope from marts.rollback_status").fetchall())
    assert fired == {(rule, expected_scope(rule, e["scope"])) for e in scenario.manifest["events"]}
    if rule not in ERROR_RULES:
        # Severity is configuration: the same rule configured `error` fails the build.
        with duckdb.connect(str(scenario.db_path)) as con:
            con.execute("update config.rollback_rules set severity = 'error' where rule = ?", [rule])
        result = build(
            scenario,
            "--select",
            selection[0],
            "path:tests/rollback_gate",
            "--indirect-selection",
            "empty",
            dbt_vars={"as_of_date": EVENT_DAY.isoformat()},
        )
        assert result.failing("fail") == [f"test.copilot_governance.{GATE_TESTS[rule]}"]
        assert result.returncode != 0


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday"])
def test_a_bad_as_of_date_stops_the_run(bad: str, pilot: AllEvents, tmp_path: Path):
    args = ["build", "--select", "rollback_status"]
    result = run_dbt(args, pilot.scenario.db_path, tmp_path, dbt_vars={"as_of_date": bad})
    assert result.returncode != 0
    assert f"Invalid value for var 'as_of_date': '{bad}'" in result.output, result.output[-2000:]
    assert "Expected a calendar date as YYYY-MM-DD" in result.output
    assert not any(uid.startswith("model.") for uid in result.statuses())


def test_every_rule_signal_and_mart_names_an_owner_role_of_the_playbook(pilot: AllEvents):
    """Issue 11: meta.owner on each mart and on each gate and advisory test, equal to the seed's
    owner_role of its rule or signal, and every role one of the playbook's owners."""
    manifest = json.loads((pilot.scenario.work_dir / "target" / "manifest.json").read_text())
    roles = {r["role"] for r in seed_rows("playbook/owners.csv")}
    seed_owner = {r["rule"]: r["owner_role"] for r in seed_rows("governance/rollback_rules.csv")}
    seed_owner |= {f"advisory_{r['signal']}": r["owner_role"] for r in seed_rows("governance/advisory_signals.csv")}
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and "/marts/" in f"/{n['path']}"]
    assert len(marts) > 20
    (book,) = seed_rows("playbook/playbook.csv")
    named = f'Configured by the retro playbook "{book["playbook_name"]}", version {book["playbook_version"]}'
    for node in marts:
        assert node["config"]["meta"].get("owner") in roles, node["name"]
        assert named in node["description"], node["name"]  # every mart's docs name the playbook
    tests = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    for signal, owner in seed_owner.items():
        test = tests[f"assert_no_{signal}"]
        assert test["config"]["meta"]["owner"] == owner, signal
    assert set(seed_owner.values()) <= roles
