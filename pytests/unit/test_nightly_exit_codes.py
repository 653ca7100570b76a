"""The nightly's exit codes (issue 12): which step failed and whether the gate fired, read from dbt's
run results, with a documented precedence when several apply."""

from __future__ import annotations

import json

import pytest

from copilot_governance.publishing.nightly import (
    EXIT_BRIEF,
    EXIT_BUILD,
    EXIT_GATE_FIRED,
    EXIT_OK,
    EXIT_PREFLIGHT,
    EXIT_PUBLISH,
    EXIT_TESTS,
    Step,
    _exit_code,
    read_build_outcome,
    summary,
)


def write_results(target, results: dict[str, tuple[str, str]]) -> None:
    """unique_id -> (status, original_file_path)."""
    target.mkdir(exist_ok=True)
    (target / "run_results.json").write_text(
        json.dumps({"results": [{"unique_id": uid, "status": s} for uid, (s, _) in results.items()]})
    )
    (target / "manifest.json").write_text(
        json.dumps({"nodes": {uid: {"original_file_path": path} for uid, (_, path) in results.items()}})
    )


def test_the_gate_is_told_apart_from_other_tests_and_models(tmp_path):
    write_results(
        tmp_path,
        {
            "model.copilot_governance.fct_tickets": ("success", "models/marts/core/fct_tickets.sql"),
            "model.copilot_governance.pilot_scorecard": ("skipped", "models/marts/kpi/pilot_scorecard.sql"),
            "seed.copilot_governance.pilots": ("success", "seeds/pilot/pilots.csv"),
            "test.copilot_governance.assert_no_residency_violation": (
                "fail",
                "tests/rollback_gate/assert_no_residency_violation.sql",
            ),
            "test.copilot_governance.assert_no_csat_drop": ("warn", "tests/rollback_gate/assert_no_csat_drop.sql"),
            "test.copilot_governance.not_null_fct_tickets_ticket_id.abc123": ("fail", "models/marts/core/_core.yml"),
        },
    )
    outcome = read_build_outcome(tmp_path)
    assert outcome.fired_gates == ["assert_no_residency_violation"]
    assert outcome.warned_tests == ["assert_no_csat_drop"]
    assert outcome.failed_tests == ["not_null_fct_tickets_ticket_id"]
    assert outcome.failed_models == ["pilot_scorecard (skipped)"] and not outcome.models_built


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ({"preflight": "ok", "build": "ok", "gate": "ok", "publish": "ok", "brief": "ok"}, EXIT_OK),
        ({"preflight": "ok", "build": "ok", "gate": "fired", "publish": "ok", "brief": "ok"}, EXIT_GATE_FIRED),
        ({"preflight": "failed", "build": "skipped", "publish": "skipped", "brief": "skipped"}, EXIT_PREFLIGHT),
        ({"preflight": "ok", "build": "failed", "gate": "fired", "publish": "skipped"}, EXIT_BUILD),
        ({"preflight": "ok", "build": "ok", "gate": "fired", "publish": "failed", "brief": "ok"}, EXIT_GATE_FIRED),
        ({"preflight": "ok", "build": "ok", "gate": "ok", "publish": "failed", "brief": "failed"}, EXIT_PUBLISH),
        ({"preflight": "ok", "build": "tests failed", "gate": "ok", "publish": "ok", "brief": "failed"}, EXIT_BRIEF),
        ({"preflight": "ok", "build": "tests failed", "gate": "ok", "publish": "ok", "brief": "ok"}, EXIT_TESTS),
    ],
)
def test_exit_code_precedence(statuses, code):
    steps = [Step(name, status) for name, status in statuses.items()]
    assert _exit_code(steps) == code
    from datetime import date

    assert summary(code, steps, date(2026, 11, 30)).splitlines()[-1].startswith(f"exit {code}: ")
