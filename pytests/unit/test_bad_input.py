"""Planted bad input: every rule of every table, each row breaking exactly its listed rules, on
keys no later good delivery replaces, without touching calls or clean metrics."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from copilot_governance.generator import GeneratorConfig, generate

from . import checks
from .checks import CALLS, DRAFTS, KEY, RULES, TICKETS


@pytest.mark.parametrize("table", [TICKETS, CALLS, DRAFTS])
def test_every_rule_is_planted_at_least_twice(small_result, table):
    planted = [b for b in small_result.manifest["bad_rows"] if b["table"] == table]
    per_rule = Counter(rule for b in planted for rule in b["rules"])
    assert set(per_rule) == set(RULES[table])
    assert min(per_rule.values()) >= 2
    assert sum(len(b["rules"]) == 2 for b in planted) >= 2
    assert all(b["rules"] == sorted(b["rules"]) for b in planted)


@pytest.mark.parametrize("table", [TICKETS, CALLS, DRAFTS])
def test_each_bad_row_breaks_exactly_its_rules_and_is_the_latest_delivery(small_result, small_con, table):
    key = KEY[table]
    planted = [b for b in small_result.manifest["bad_rows"] if b["table"] == table]
    latest_bad = small_con.execute(
        f"select {key}, broken, strftime(_loaded_at, '%Y-%m-%dT%H:%M:%S') from {table}_latest where len(broken) > 0"
    ).fetchall()
    # Every latest row that breaks a rule is planted, with exactly those rules, and vice versa.
    assert sorted(((k, sorted(r), ld) for k, r, ld in latest_bad), key=str) == sorted(
        ((b["key"], b["rules"], b["loaded_at"]) for b in planted), key=str
    )
    keyed = [b["key"] for b in planted if b["key"] is not None]
    deliveries = dict(
        small_con.execute(
            f"select {key}, count(*) from {table} where {key} in (select unnest(?::varchar[])) group by 1", [keyed]
        ).fetchall()
    )
    assert all(deliveries[k] == 1 for k in keyed)


def test_bad_tickets_have_no_calls_and_bad_calls_and_drafts_belong_to_clean_tickets(small_result, small_con):
    bad_tickets = [b["key"] for b in small_result.manifest["bad_rows"] if b["table"] == TICKETS and b["key"]]
    calls_of_bad_tickets = small_con.execute(
        f"select count(*) from {CALLS} where ticket_id in (select unnest(?::varchar[]))", [bad_tickets]
    ).fetchone()[0]
    assert calls_of_bad_tickets == 0
    for table in (CALLS, DRAFTS):
        orphans = small_con.execute(
            f"""select count(*) from {table}_latest r left join {TICKETS}_clean t using (ticket_id)
            where len(r.broken) > 0 and r.ticket_id is not null
                and (t.ticket_id is null or not t.copilot_enabled)"""
        ).fetchone()[0]
        assert orphans == 0, table
    # Bad drafts point at an existing call.
    missing_call = small_con.execute(
        f"""select count(*) from {DRAFTS}_latest d left join {CALLS}_clean c using (prompt_id)
        where len(d.broken) > 0 and d.prompt_id is not null and c.prompt_id is null"""
    ).fetchone()[0]
    assert missing_call == 0


def test_clean_metrics_do_not_depend_on_bad_input():
    config = dict(start_date=date(2025, 2, 10), end_date=date(2025, 2, 24), tickets_per_day=300, seed=5)
    with_bad = checks.connect(generate(GeneratorConfig(**config)).tables)
    without = generate(GeneratorConfig(**config, bad_input=False))
    assert without.manifest["bad_rows"] == []
    without_con = checks.connect(without.tables)
    for table in (TICKETS, CALLS, DRAFTS):
        assert without_con.execute(f"select count(*) from {table}_latest where len(broken) > 0").fetchone()[0] == 0
        q = f"select * exclude (_loaded_at) from {table}_clean order by all"
        assert with_bad.execute(q).fetchall() == without_con.execute(q).fetchall(), table
