"""Loader behaviour: re-deliveries whose winners are what the manifest says, late rows, and the
switches that turn them off."""

from __future__ import annotations

from datetime import date

from copilot_governance.generator import GeneratorConfig, generate

from . import checks
from .checks import CALLS, DRAFTS, KEY, TICKETS

ISO = "%Y-%m-%dT%H:%M:%S"


def test_manifest_winners_are_the_latest_deliveries(small_result, small_con):
    records = small_result.manifest["redeliveries"]
    kinds = {"identical", "update", "same_loaded_at_tie", "agent_action", "open_state", "csat_answer"}
    assert kinds == {r["kind"] for r in records}
    assert {r["table"] for r in records} == {TICKETS, CALLS, DRAFTS}
    for r in records:
        table, key = r["table"], KEY[r["table"]]
        updated = f"strftime(updated_at, '{ISO}')" if table == TICKETS else "null"
        rows = small_con.execute(
            f"select strftime(_loaded_at, '{ISO}'), {updated} from {table} where {key} = ? order by 1 desc, 2 desc",
            [r["key"]],
        ).fetchall()
        assert len(rows) >= 2, r
        winner = small_con.execute(
            f"select strftime(_loaded_at, '%Y-%m-%dT%H:%M:%S') from {table}_latest where {key} = ?", [r["key"]]
        ).fetchone()
        assert winner[0] == r["winner_loaded_at"] == rows[0][0], r
        if table == TICKETS:
            assert rows[0][1] == r["winner_updated_at"], r
        else:
            assert r["winner_updated_at"] is None
        if r["kind"] == "same_loaded_at_tie":
            assert rows[1][0] == rows[0][0] and rows[1][1] < rows[0][1], r
        else:
            assert rows[1][0] < rows[0][0], r


def test_redelivery_kinds_differ_as_described(small_result, small_con):
    by_kind: dict[str, list[str]] = {}
    for r in small_result.manifest["redeliveries"]:
        by_kind.setdefault(r["kind"], []).append(r["key"])

    def earlier(table, keys, cols):
        key = KEY[table]
        return small_con.execute(
            f"""select {cols} from (select *, row_number() over (partition by {key}
                order by _loaded_at desc, {"updated_at desc" if table == TICKETS else "1"}) rn from {table})
            where rn = 2 and {key} in (select unnest(?::varchar[]))""",
            [keys],
        ).fetchall()

    updates = earlier(TICKETS, by_kind["update"], "solved_at is null or satisfaction_rating = 'offered'")
    assert updates and all(u[0] for u in updates)
    actions = earlier(DRAFTS, by_kind["agent_action"], "agent_action is null and sent_at is null")
    assert actions and all(a[0] for a in actions)
    identical_calls = [r["key"] for r in small_result.manifest["redeliveries"] if r["table"] == CALLS]
    distinct = small_con.execute(
        f"""select max(n) from (select prompt_id, count(distinct (draft_id, logged_at, model, latency_ms,
            status, processing_region, prompt_text)) n from {CALLS}
            where prompt_id in (select unnest(?::varchar[])) group by 1)""",
        [identical_calls],
    ).fetchone()[0]
    assert distinct == 1


def test_counts_of_raw_and_latest_rows(small_result, small_con):
    for table in (TICKETS, CALLS, DRAFTS):
        raw = small_con.execute(f"select count(*) from {table}").fetchone()[0]
        latest = small_con.execute(f"select count(*) from {table}_latest").fetchone()[0]
        assert raw == small_result.manifest["row_counts"][table]
        assert latest == small_result.manifest["latest_row_counts"][table]
        assert raw > latest


def test_late_rows(default_con):
    late_tickets, max_lag = default_con.execute(
        f"select count(*) filter (where _loaded_at > updated_at + interval 12 hour), "
        f"max(_loaded_at - updated_at) from {TICKETS}_clean"
    ).fetchone()
    assert late_tickets > 100 and max_lag.days <= 3
    late_calls = default_con.execute(
        f"select count(*) from {CALLS}_clean where _loaded_at > logged_at + interval 2 hour"
    ).fetchone()[0]
    assert late_calls > 10


def test_switches_turn_off_redeliveries_late_rows_and_unmapped_values():
    result = generate(
        GeneratorConfig(
            start_date=date(2025, 2, 10),
            end_date=date(2025, 2, 24),
            tickets_per_day=300,
            redeliveries=False,
            late_rows=False,
            unmapped=False,
            bad_input=False,
        )
    )
    assert result.manifest["row_counts"] == result.manifest["latest_row_counts"]
    assert result.manifest["redeliveries"] == [] and result.manifest["unmapped"] == []
    con = checks.connect(result.tables)
    late = con.execute(
        f"select count(*) from {TICKETS} where _loaded_at > updated_at + interval 8 hour "
        "and _loaded_at < timestamp '2025-02-25 06:00:00'"
    ).fetchone()[0]
    assert late == 0
    assert (
        con.execute(
            f"select count(*) from {TICKETS} where queue not in "
            "('billing', 'shipping-updates', 'returns', 'account-access', 'technical', 'faq')"
        ).fetchone()[0]
        == 0
    )
    assert con.execute(f"select count(*) from {CALLS} where model not in ('gpt-4o', 'gpt-4o-mini')").fetchone()[0] == 0
