"""The daily brief's delivery (issue 12): posted to a Slack incoming webhook with slack_sdk, tested
against a local HTTP server on the loopback address that records each request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from copilot_governance.publishing.brief import Brief, BriefError, Firing, render_blocks, send
from pytests.webhook import Webhook


@pytest.fixture
def webhook(request) -> Iterator[Webhook]:
    hook = Webhook(getattr(request, "param", [(200, "ok")]))
    yield hook
    hook.close()


def a_brief() -> Brief:
    brief = Brief(date(2026, 11, 30), "Support AI Pilot Retrospective v1.4")
    brief.rollbacks.append(
        Firing(
            "residency_violation",
            "EU",
            "error",
            "llm_safety_officer",
            "residency_violation fired for EU: observed 3 > limit 0; notify: llm_safety_officer",
            False,
            True,
        )
    )
    brief.completeness.append("Every raw row is accounted for (load reconciliation).")
    return brief


def test_the_brief_is_posted_as_block_kit(webhook):
    brief = a_brief()
    send(webhook.url, brief)
    (request,) = webhook.requests
    assert request["path"] == "/services/T000/B000/XXXX"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"] == render_blocks(brief)
    assert request["body"]["text"].endswith("GATE FIRED")
    rollbacks = next(
        b for b in request["body"]["blocks"] if b.get("text", {}).get("text", "").startswith("*Rollback rules*")
    )
    assert (
        "ERROR residency_violation fired for EU: observed 3 &gt; limit 0; notify: llm_safety_officer"
        in (rollbacks["text"]["text"])
    )


@pytest.mark.parametrize("webhook", [[(500, "oops"), (503, "busy"), (200, "ok")]], indirect=True)
def test_server_errors_are_retried(webhook):
    send(webhook.url, a_brief(), max_retries=2)
    assert len(webhook.requests) == 3


@pytest.mark.parametrize("webhook", [[(400, "invalid_blocks")]], indirect=True)
def test_a_rejected_payload_is_a_clear_error(webhook):
    with pytest.raises(BriefError, match=r"Slack rejected the brief: HTTP 400 'invalid_blocks'.*payload was refused"):
        send(webhook.url, a_brief())
    assert len(webhook.requests) == 1  # a 400 is not retried


@pytest.mark.parametrize("webhook", [[(404, "no_service")]], indirect=True)
def test_a_wrong_webhook_is_named_without_its_secret(webhook):
    with pytest.raises(BriefError, match="HTTP 404") as caught:
        send(webhook.url, a_brief())
    assert "XXXX" not in str(caught.value) and "wrong or revoked" in str(caught.value)


@pytest.mark.parametrize("url", ["hooks.slack.com/services/x", "ftp://hooks.slack.com/x", "", "not a url"])
def test_a_bad_url_is_refused_before_any_request(url):
    with pytest.raises(BriefError, match=r"SLACK_WEBHOOK_URL is not a webhook URL: expected https://hooks\.slack\.com"):
        send(url, a_brief())


def test_an_unreachable_webhook_is_a_clear_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(BriefError, match=f"could not reach the Slack webhook at http://127.0.0.1:{port}/"):
        send(f"http://127.0.0.1:{port}/services/x", a_brief(), timeout_seconds=2, max_retries=0)


def test_many_scopes_fold_into_one_section_and_no_section_is_dropped():
    from copilot_governance.publishing.brief import KpiLine, sections

    brief = a_brief()
    for i in range(60):
        brief.kpis.append(
            KpiLine("p", f"queue-{i}", "EU", "aht_seconds", 600.0, 540.0, -0.1, "meets", 100, 30, 520.0, 560.0, None)
        )
    brief.cost.append("Cost per solved ticket on 2026-11-30: $0.0100 ($1.0000 over 100 solved tickets).")
    message = render_blocks(brief)
    assert len(message["blocks"]) <= 50
    headings = [b["text"]["text"].split("\n")[0] for b in message["blocks"] if b["type"] == "section"]
    others = [h for h, _ in sections(brief) if not h.startswith("KPIs ")]
    assert [h for h in headings if not h.startswith("*KPIs")] == [f"*{h}*" for h in others]
    folded = next(
        b["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "section" and "60 pilot scopes" in b["text"]["text"]
    )
    assert len(folded) <= 3000 and "queue-0 / EU" in folded
