"""The daily brief (issue 12) read from a published warehouse, as the chair gets it: the planted
night (every governance event: a residency violation, a CSAT drop...) and a clean night, field by
field in Markdown and in Block Kit, and never a word of prompt text."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from copilot_governance.publishing.brief import BriefError, collect, render_blocks, render_markdown
from pytests.contract_oracle import fetch
from pytests.e2e.governance_scenario import CLEAN_DAY, EVENT_DAY, PLANT_RULE, AllEvents, seed_rows

pytestmark = pytest.mark.e2e


def marts(path: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        return fetch(con, sql)


def section(markdown: str, heading: str) -> list[str]:
    """The bullets of one `## heading` section of the Markdown brief."""
    lines = markdown.splitlines()
    start = lines.index(f"## {heading}") + 2
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line]


@pytest.fixture(scope="module")
def event_brief(pilot: AllEvents):
    brief = collect(pilot.event_serving, EVENT_DAY)
    return brief, render_markdown(brief), render_blocks(brief)


@pytest.fixture(scope="module")
def clean_brief(pilot: AllEvents):
    brief = collect(pilot.clean_serving, CLEAN_DAY)
    return brief, render_markdown(brief), render_blocks(brief)


def test_the_planted_night_names_each_firing_with_its_owner(pilot, event_brief):
    brief, markdown, _ = event_brief
    owners = {r["rule"]: r["owner_role"] for r in seed_rows("governance/rollback_rules.csv")}
    planted = {PLANT_RULE[e["event"]] for e in pilot.scenario.manifest["events"]}
    assert {f.signal for f in brief.rollbacks} == planted
    assert all(
        f.owner_role == owners[f.signal] and f.message.endswith(f"notify: {owners[f.signal]}") for f in brief.rollbacks
    )
    status = marts(pilot.event_serving, "select * from marts.rollback_status order by rule, scope, night")
    expected = [f"- {'ERROR' if r['fails_build'] else r['severity'].upper()} {r['message']}" for r in status]
    assert section(markdown, "Rollback rules") == expected
    residency = [line for line in expected if "residency_violation" in line]
    csat = [line for line in expected if "csat_drop" in line]
    assert residency and all(line.startswith("- ERROR") for line in residency)
    assert csat and all(line.startswith("- WARN") for line in csat)  # csat_drop warns by default
    (decision,) = marts(pilot.event_serving, "select * from marts.pilot_go_no_go")
    assert markdown.splitlines()[0] == (
        f"# Copilot pilot brief {EVENT_DAY}: {decision['pilot_id']} {decision['decision']}; GATE FIRED"
    )
    assert section(markdown, "Go / no-go")[0] == "- The rollback gate FIRED: roll back per the playbook."
    assert section(markdown, f"Since {EVENT_DAY.fromordinal(EVENT_DAY.toordinal() - 1)}")[0].startswith(
        "- No evaluation of"
    )


def test_the_clean_night_says_nothing_fires_and_gives_the_go_no_go(pilot, clean_brief):
    brief, markdown, blocks = clean_brief
    assert brief.rollbacks == [] and not brief.gate_fired
    assert section(markdown, "Rollback rules") == ["- No rollback rule fires."]
    (decision,) = marts(pilot.clean_serving, "select * from marts.pilot_go_no_go")
    assert section(markdown, "Go / no-go") == [
        "- The rollback gate did not fire.",
        f"- {decision['pilot_id']}: {decision['decision']} ({decision['criteria_met']}/{decision['criteria_total']} "
        f"criteria met, {decision['criteria_missed']} missed, {decision['criteria_insufficient']} insufficient): "
        f"{decision['decision_reason']}",
    ]
    assert blocks["text"].endswith("gate quiet")


def test_scopes_without_pilot_data_say_so(pilot, clean_brief):
    """This scenario's days precede the configured pilot window: no KPI is shown as a figure."""
    _, markdown, _ = clean_brief
    for row in marts(pilot.clean_serving, "select * from marts.pilot_scorecard where metric = 'aht_seconds'"):
        assert row["pilot_value"] is None
        heading = f"KPIs {row['queue']} / {row['region']} ({row['pilot_id']}): pilot arm vs baseline and control"
        assert section(markdown, heading)[0] == "- AHT: no pilot-arm data yet"


def test_block_kit_is_valid_for_slack_and_says_what_the_markdown_says(event_brief):
    _, markdown, blocks = event_brief
    assert (
        blocks["blocks"][0]["type"] == "header" and blocks["blocks"][0]["text"]["text"] == markdown.splitlines()[0][2:]
    )
    assert len(blocks["blocks"]) <= 50
    sections = [b for b in blocks["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    headings = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert [b["text"]["text"].split("\n")[0] for b in sections] == [f"*{h.replace('>', '&gt;')}*" for h in headings]
    rollbacks = sections[1]["text"]["text"].split("\n")[1:]
    expected = [
        line[2:].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for line in section(markdown, "Rollback rules")
    ]
    assert rollbacks == [f"• {line}" for line in expected]


def test_the_brief_never_carries_prompt_text(pilot, event_brief, clean_brief):
    with duckdb.connect(str(pilot.scenario.db_path), read_only=True) as con:
        texts = [
            r[0]
            for r in con.execute(
                "select distinct prompt_text from raw.zs_prompt_logs where length(prompt_text) >= 8"
            ).fetchall()
        ]
    assert texts, "the scenario logs prompt text"
    for _, markdown, blocks in (event_brief, clean_brief):
        rendered = markdown + json.dumps(blocks)
        assert not [t for t in texts if t in rendered]


def test_the_other_sections_are_the_marts(pilot, event_brief):
    _, markdown, _ = event_brief
    advisories = marts(pilot.event_serving, "select * from marts.advisory_status order by signal, scope")
    assert section(markdown, "Advisory signals") == (
        [f"- {a['severity'].upper()} {a['message']}" for a in advisories] or ["- No advisory signal fires."]
    )
    completeness = section(markdown, "Data completeness")
    (night,) = marts(pilot.event_serving, f"select * from marts.rollback_calendar where night = date '{EVENT_DAY}'")
    assert completeness[0].startswith(f"- The night {EVENT_DAY} is ")
    assert ("settled" in completeness[0]) is (night["evaluation_status"] == "settled")
    reconciled = marts(pilot.event_serving, "select bool_and(is_reconciled) as ok from audit.audit_load_reconciliation")
    assert ("- Every raw row is accounted for (load reconciliation)." in completeness) is reconciled[0]["ok"]
    criteria = marts(
        pilot.event_serving,
        "select * from marts.pilot_go_no_go_criteria where metric in ('draft_acceptance_rate', 'coverage_rate') "
        "and criterion in ('acceptance', 'slo')",
    )
    assert len(section(markdown, "Acceptance and coverage (pilot window)")) == (len(criteria) or 1)


def test_a_brief_for_another_night_than_the_build_is_refused(pilot):
    with pytest.raises(BriefError, match=f"the warehouse was built for {CLEAN_DAY}, not {EVENT_DAY}"):
        collect(pilot.clean_serving, EVENT_DAY)
