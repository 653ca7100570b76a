"""The default data looks like the pilot inside the organisation: shapes and rates near the brief's
targets, a consistent pilot arm assignment, and referential integrity between the three tables."""

from __future__ import annotations

import pytest

from .checks import CALLS, DRAFTS, POLICY, TICKETS
from .conftest import START_56

T, C, D = f"{TICKETS}_clean", f"{CALLS}_clean", f"{DRAFTS}_clean"
PILOT = "queue IN ('billing', 'shipping-updates') AND region IN ('NA', 'EU')"
PILOT_START = "DATE '2025-02-03'"  # START_56 + 28 days


def one(con, sql):
    return con.execute(sql).fetchone()


def test_pilot_start_is_the_default():
    from datetime import timedelta

    assert f"DATE '{START_56 + timedelta(days=28)}'" == PILOT_START


def test_copilot_only_in_the_pilot_scope_from_the_pilot_start(default_con):
    outside, in_baseline = one(
        default_con,
        f"select count(*) filter (where not ({PILOT})), count(*) filter (where created_at < {PILOT_START}) "
        f"from {T} where copilot_enabled",
    )
    assert outside == 0 and in_baseline == 0
    share = one(
        default_con, f"select avg(copilot_enabled::int) from {T} where {PILOT} and created_at >= {PILOT_START}"
    )[0]
    assert 0.46 < share < 0.54


def test_queues_regions_and_intents(default_con):
    queues = dict(default_con.execute(f"select queue, count(*) from {T} group by 1").fetchall())
    assert max(queues, key=queues.get) in ("billing", "shipping-updates")
    assert {"billing", "shipping-updates", "returns", "account-access", "technical", "faq"} <= set(queues)
    regions = dict(default_con.execute(f"select region, count(*) from {T} group by 1").fetchall())
    assert set(regions) == set(POLICY)
    assert sorted(regions, key=regions.get)[-2:] in (["EU", "NA"], ["NA", "EU"])
    null_intent = one(default_con, f"select avg((intent is null)::int) from {T}")[0]
    assert 0.02 < null_intent < 0.04


def test_ticket_outcome_rates(default_con):
    aht = dict(
        default_con.execute(
            f"select queue, avg(handle_time_seconds) from {T} "
            "where resolved_by = 'agent' and not copilot_enabled group by 1"
        ).fetchall()
    )
    assert 550 < aht["billing"] < 630 and 480 < aht["shipping-updates"] < 560
    assert all(380 < v < 820 for q, v in aht.items() if q != "warranty-claims")
    aht_cop = one(
        default_con,
        f"select avg(handle_time_seconds) from {T} where resolved_by = 'agent' and copilot_enabled "
        "and queue = 'billing'",
    )[0]
    assert 0.82 < aht_cop / aht["billing"] < 0.94
    fcr, deflection_faq, deflection_other = one(
        default_con,
        f"""select avg((agent_replies <= 1 and reopens = 0)::int) filter (where resolved_by = 'agent'),
            avg((resolved_by = 'self_service')::int) filter (where queue = 'faq' and solved_at is not null),
            avg((resolved_by = 'self_service')::int) filter (where queue <> 'faq' and solved_at is not null)
        from {T}""",
    )
    assert 0.60 <= fcr <= 0.70 and 0.09 < deflection_faq < 0.15 and 0.02 < deflection_other < 0.04
    selfs = one(
        default_con,
        f"select count(*) from {T} where resolved_by = 'self_service' "
        "and (agent_id is not null or handle_time_seconds is not null or agent_replies <> 0)",
    )[0]
    assert selfs == 0


def test_escalation_and_csat_rates(default_con):
    esc = dict(
        default_con.execute(
            f"select queue, avg(escalated::int) from {T} where resolved_by = 'agent' and not copilot_enabled group by 1"
        ).fetchall()
    )
    assert 0.15 < esc["billing"] < 0.21 and all(0.06 < esc[q] < 0.14 for q in ("returns", "faq", "technical"))
    esc_cop = one(default_con, f"select avg(escalated::int) from {T} where resolved_by = 'agent' and copilot_enabled")[
        0
    ]
    assert 0.07 < esc_cop < 0.12
    survey, answered, good, good_cop = one(
        default_con,
        f"""select avg((satisfaction_rating is not null)::int) filter (where solved_at is not null),
            avg((satisfaction_rating in ('good', 'bad'))::int) filter (where satisfaction_rating is not null),
            avg((satisfaction_rating = 'good')::int) filter (where satisfaction_rating in ('good', 'bad')),
            avg((satisfaction_rating = 'good')::int) filter (where satisfaction_rating in ('good', 'bad')
                and copilot_enabled)
        from {T}""",
    )
    assert 0.57 < survey < 0.63 and 0.40 < answered < 0.48 and 0.84 < good < 0.88 and good_cop > good
    assert (
        one(default_con, f"select count(*) from {T} where solved_at is null and satisfaction_rating is not null")[0]
        == 0
    )


def test_recent_tickets_are_partly_unsolved(default_con):
    rows = default_con.execute(
        f"select created_at::date, avg((solved_at is null)::int) from {T} group by 1 order by 1 desc limit 10"
    ).fetchall()
    assert rows[0][1] > 0.15  # the last day
    assert all(r[1] < 0.02 for r in rows[5:])
    assert one(default_con, f"select count(*) from {T} where solved_at is null and resolved_by is not null")[0] == 0


def test_ticket_timestamps_are_ordered(default_con):
    bad = one(
        default_con,
        f"""select count(*) filter (where updated_at < created_at),
            count(*) filter (where updated_at < solved_at),
            count(*) filter (where _loaded_at < updated_at)
        from {T}""",
    )
    assert bad == (0, 0, 0)


def test_drafts_coverage_confidence_and_modes(default_con):
    coverage = one(
        default_con,
        f"select avg((exists (select 1 from {D} d where d.ticket_id = t.ticket_id))::int) from {T} t "
        "where copilot_enabled and resolved_by = 'agent'",
    )[0]
    assert 0.84 < coverage < 0.92
    means = dict(default_con.execute(f"select intent, avg(confidence_score) from {D} group by 1").fetchall())
    assert abs(means["billing_refund"] - 0.86) < 0.02 and abs(means["shipping_status"] - 0.80) < 0.02
    wrong_mode = one(
        default_con,
        f"""select count(*) from {D} d join (values
            ('billing_refund', 0.85, 0.90), ('shipping_status', 0.72, 0.80)) th(intent, lo, hi)
            using (intent)
        where suggestion_mode <> case when confidence_score < lo then 'suppressed'
            when confidence_score < hi then 'human_review' else 'auto_suggest' end""",
    )[0]
    assert wrong_mode == 0
    other = one(
        default_con,
        f"""select count(*) from {D} where intent not in ('billing_refund', 'shipping_status')
        and suggestion_mode <> case when confidence_score < 0.70 then 'suppressed'
            when confidence_score < 0.80 then 'human_review' else 'auto_suggest' end""",
    )[0]
    assert other == 0
    suppressed_acted = one(
        default_con,
        f"select count(*) from {D} where suggestion_mode = 'suppressed' "
        "and (agent_action is not null or sent_at is not null or edit_distance_ratio is not null)",
    )[0]
    assert suppressed_acted == 0


def test_acceptance_rises_with_confidence(default_con):
    accepted = "(agent_action = 'accepted' or (agent_action = 'edited' and edit_distance_ratio <= 0.20))"
    auto = one(
        default_con,
        f"select avg({accepted}::int) from {D} where suggestion_mode = 'auto_suggest' and agent_action is not null",
    )[0]
    assert 0.62 <= auto <= 0.72
    low, high = one(
        default_con,
        f"""select avg({accepted}::int) filter (where confidence_score < 0.75),
            avg({accepted}::int) filter (where confidence_score >= 0.90)
        from {D} where agent_action is not null""",
    )
    assert low < 0.55 < 0.70 < high
    bad = one(
        default_con,
        f"""select count(*) from {D} where
            (agent_action = 'accepted' and edit_distance_ratio <> 0)
            or (agent_action = 'rejected' and (edit_distance_ratio is not null or sent_at is not null))
            or (agent_action in ('accepted', 'edited') and (sent_at is null or sent_at < drafted_at))
            or (agent_action is null and (sent_at is not null or edit_distance_ratio is not null))""",
    )[0]
    assert bad == 0


def test_calls_latency_models_pii_and_retention(default_con):
    p95, err, filtered = one(
        default_con,
        f"""select quantile_cont(latency_ms, 0.95) filter (where status = 'ok'),
            avg((status in ('error', 'timeout'))::int), avg((status = 'filtered')::int) from {C}""",
    )
    assert 2000 < p95 < 2700 and 0.025 < err < 0.06 and 0.002 < filtered < 0.01
    worst_day = one(
        default_con,
        f"select max(p) from (select quantile_cont(latency_ms, 0.95) p from {C} "
        "where status = 'ok' group by logged_at::date)",
    )[0]
    assert worst_day < 3000
    models = dict(default_con.execute(f"select model, avg(1) * count(*) from {C} group by 1").fetchall())
    share_4o = models["gpt-4o"] / sum(models.values())
    assert 0.66 < share_4o < 0.74
    pii, unredacted, jailbreak = one(
        default_con,
        f"select avg(pii_detected::int), count(*) filter (where pii_detected and not pii_redacted), "
        f"avg(jailbreak_flag::int) from {C}",
    )
    assert 0.06 < pii < 0.10 and unredacted <= 0.01 * pii * 20000 and jailbreak < 0.006
    assert one(default_con, f"select count(*) from {C} where pii_redacted and not pii_detected")[0] == 0
    texts = one(
        default_con,
        f"""select count(*) filter (where prompt_text is null and logged_at >= DATE '2025-03-03' - 30),
            count(*) filter (where prompt_text is not null and logged_at < DATE '2025-03-03' - 30),
            count(*) filter (where regexp_matches(prompt_text, '@example|\\+\\d|\\d{{4}}[ -]\\d{{4}}'))
        from {C}""",
    )
    assert texts[0] == 0 and texts[1] == 0 and texts[2] >= 2
    versions = dict(
        default_con.execute(
            f"select prompt_template_version, min(logged_at)::date from {C} "
            "where prompt_template_version like 'shipping_status@%' group by 1"
        ).fetchall()
    )
    assert set(versions) == {"shipping_status@2.0.0", "shipping_status@2.1.0"}
    assert versions["shipping_status@2.1.0"] > versions["shipping_status@2.0.0"]
    tokens = one(default_con, f"select min(input_tokens), max(input_tokens), max(output_tokens) from {C}")
    assert tokens[0] >= 500 and tokens[1] <= 4000 and tokens[2] <= 800


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        (
            "draft without its call",
            f"select count(*) from {D} d left join {C} c using (prompt_id) where c.prompt_id is null",
        ),
        (
            "call and draft disagree",
            f"select count(*) from {C} c join {D} d using (prompt_id) "
            "where c.draft_id <> d.draft_id or c.ticket_id <> d.ticket_id or c.logged_at > d.drafted_at",
        ),
        ("ok call without a draft", f"select count(*) from {C} where status = 'ok' and draft_id is null"),
        ("failed call with a draft", f"select count(*) from {C} where status <> 'ok' and draft_id is not null"),
        (
            "draft of a non-pilot or self-service ticket",
            f"select count(*) from {D} d left join {T} t using (ticket_id) "
            "where t.ticket_id is null or not t.copilot_enabled or t.resolved_by = 'self_service'",
        ),
        (
            "draft outside its ticket's life",
            f"select count(*) from {D} d join {T} t using (ticket_id) "
            "where d.drafted_at < t.created_at or d.drafted_at > t.solved_at or d.sent_at > t.solved_at",
        ),
        ("draft intent differs", f"select count(*) from {D} d join {T} t using (ticket_id) where d.intent <> t.intent"),
        (
            "call of an unknown ticket",
            f"select count(*) from {C} c left join {T} t using (ticket_id) where t.ticket_id is null",
        ),
    ],
)
def test_referential_integrity(default_con, name, sql):
    assert default_con.execute(sql).fetchone()[0] == 0, name
