"""Independent checks of generated raw tables, written from the contract documents.

Bad-input rules (raw-sources.md), latest-delivery deduplication, and the governance signals
(metrics.md) are computed here in DuckDB SQL over the generated pyarrow tables, without using the
generator's own code, so the tests compare the data with the contract rather than with itself.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

TICKETS, CALLS, DRAFTS = "zs_ticket_outcomes", "zs_prompt_logs", "zs_draft_confidence"
KEY = {TICKETS: "ticket_id", CALLS: "prompt_id", DRAFTS: "draft_id"}


def _future(col: str) -> str:
    return f"{col} > _loaded_at + INTERVAL 1 DAY"


RULES: dict[str, dict[str, str]] = {
    TICKETS: {
        "null_ticket_id": "ticket_id IS NULL",
        "null_created_at": "created_at IS NULL",
        "null_updated_at": "updated_at IS NULL",
        "null_queue": "queue IS NULL",
        "null_region": "region IS NULL",
        "null_channel": "channel IS NULL",
        "null_copilot_enabled": "copilot_enabled IS NULL",
        "null_escalated": "escalated IS NULL",
        "null_loaded_at": "_loaded_at IS NULL",
        "negative_handle_time_seconds": "handle_time_seconds < 0",
        "negative_agent_replies": "agent_replies < 0",
        "negative_reopens": "reopens < 0",
        "solved_before_created": "solved_at < created_at",
        "future_created_at": _future("created_at"),
        "future_updated_at": _future("updated_at"),
        "future_solved_at": _future("solved_at"),
        "invalid_resolved_by": "resolved_by NOT IN ('agent', 'self_service')",
        "invalid_satisfaction_rating": "satisfaction_rating NOT IN ('good', 'bad', 'offered')",
    },
    CALLS: {
        "null_prompt_id": "prompt_id IS NULL",
        "null_ticket_id": "ticket_id IS NULL",
        "null_logged_at": "logged_at IS NULL",
        "null_processing_region": "processing_region IS NULL",
        "null_model": "model IS NULL",
        "null_prompt_template_version": "prompt_template_version IS NULL",
        "null_input_tokens": "input_tokens IS NULL",
        "null_output_tokens": "output_tokens IS NULL",
        "null_latency_ms": "latency_ms IS NULL",
        "null_status": "status IS NULL",
        "null_pii_detected": "pii_detected IS NULL",
        "null_pii_redacted": "pii_redacted IS NULL",
        "null_jailbreak_flag": "jailbreak_flag IS NULL",
        "null_loaded_at": "_loaded_at IS NULL",
        "negative_input_tokens": "input_tokens < 0",
        "negative_output_tokens": "output_tokens < 0",
        "negative_latency_ms": "latency_ms < 0",
        "future_logged_at": _future("logged_at"),
        "invalid_status": "status NOT IN ('ok', 'error', 'timeout', 'filtered')",
    },
    DRAFTS: {
        "null_draft_id": "draft_id IS NULL",
        "null_ticket_id": "ticket_id IS NULL",
        "null_prompt_id": "prompt_id IS NULL",
        "null_intent": "intent IS NULL",
        "null_confidence_score": "confidence_score IS NULL",
        "null_drafted_at": "drafted_at IS NULL",
        "null_suggestion_mode": "suggestion_mode IS NULL",
        "null_loaded_at": "_loaded_at IS NULL",
        "confidence_score_out_of_range": "confidence_score NOT BETWEEN 0 AND 1",
        "edit_distance_ratio_out_of_range": "edit_distance_ratio NOT BETWEEN 0 AND 1",
        "future_drafted_at": _future("drafted_at"),
        "future_sent_at": _future("sent_at"),
        "invalid_suggestion_mode": ("suggestion_mode NOT IN ('auto_suggest', 'human_review', 'suppressed')"),
        "invalid_agent_action": "agent_action NOT IN ('accepted', 'edited', 'rejected')",
    },
}

POLICY = {
    "NA": "us-east",
    "EU": "westeurope",
    "UK": "uksouth",
    "APAC": "southeastasia",
    "JP": "japaneast",
    "ANZ": "australiaeast",
    "LATAM": "brazilsouth",
    "MEA": "uaenorth",
}


def rules_sql(table: str) -> str:
    """A list expression of the rule codes a row breaks (empty list when clean)."""
    parts = [f"CASE WHEN coalesce({pred}, false) THEN '{code}' END" for code, pred in RULES[table].items()]
    return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"


def connect(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the raw tables, `<t>_latest` (latest delivery per key, with the
    rules each breaks) and `<t>_clean` (latest rows breaking no rule)."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(f"arrow_{name}", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM arrow_{name}")
        key = KEY[name]
        tie = "updated_at DESC NULLS LAST" if name == TICKETS else "1"
        con.execute(
            f"""
            CREATE TABLE {name}_latest AS
            SELECT * EXCLUDE (rn), {rules_sql(name)} AS broken FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY {key} ORDER BY _loaded_at DESC NULLS LAST, {tie}) AS rn
                FROM {name})
            WHERE rn = 1 OR {key} IS NULL
            """
        )
        con.execute(f"CREATE TABLE {name}_clean AS SELECT * EXCLUDE (broken) FROM {name}_latest WHERE len(broken) = 0")
    policy = ", ".join(f"('{r}', '{p}')" for r, p in POLICY.items())
    con.execute("CREATE TABLE policy(region VARCHAR, processing_region VARCHAR)")
    con.execute(f"INSERT INTO policy VALUES {policy}")
    return con


def eval_days(con: duckdb.DuckDBPyConnection) -> str:
    """A subquery of every day (column d) from the first to the last ticket creation day."""
    del con
    return (
        "(SELECT unnest(range(min(created_at)::DATE, max(created_at)::DATE + 1, INTERVAL 1 DAY))::DATE AS d "
        f"FROM {TICKETS}_clean)"
    )


def drift(con: duckdb.DuckDBPyConnection, min_drafts: int = 30) -> list[tuple]:
    """(day, intent, region, current mean, reference mean, drift, n current, n reference) for
    every evaluable scope (both windows with at least min_drafts drafts)."""
    return con.execute(
        f"""
        WITH dr AS (
            SELECT d.intent, t.region, d.confidence_score AS c, d.drafted_at::DATE AS day
            FROM {DRAFTS}_clean d JOIN {TICKETS}_clean t USING (ticket_id)),
        w AS (
            SELECT e.d, dr.intent, dr.region,
                avg(c) FILTER (WHERE day BETWEEN e.d - 2 AND e.d) AS cur,
                avg(c) FILTER (WHERE day BETWEEN e.d - 5 AND e.d - 3) AS ref,
                count(*) FILTER (WHERE day BETWEEN e.d - 2 AND e.d) AS n_cur,
                count(*) FILTER (WHERE day BETWEEN e.d - 5 AND e.d - 3) AS n_ref
            FROM {eval_days(con)} e JOIN dr ON dr.day BETWEEN e.d - 5 AND e.d
            GROUP BY ALL)
        SELECT d, intent, region, cur, ref, abs(cur - ref), n_cur, n_ref FROM w
        WHERE n_cur >= {min_drafts} AND n_ref >= {min_drafts} ORDER BY ALL
        """
    ).fetchall()


def csat(con: duckdb.DuckDBPyConnection, min_responses: int = 20) -> list[tuple]:
    """(day, queue, region, rolling 3-day CSAT %, responses) for every evaluable scope."""
    return con.execute(
        f"""
        SELECT e.d, queue, region,
            100.0 * count(*) FILTER (WHERE satisfaction_rating = 'good')
                / count(*) AS pct, count(*) AS n
        FROM {eval_days(con)} e JOIN {TICKETS}_clean t
            ON t.solved_at::DATE BETWEEN e.d - 2 AND e.d
        WHERE satisfaction_rating IN ('good', 'bad')
        GROUP BY ALL HAVING count(*) >= {min_responses} ORDER BY ALL
        """
    ).fetchall()


def escalation(con: duckdb.DuckDBPyConnection, min_tickets: int = 30) -> list[tuple]:
    """(day, intent, region, escalation rate, tickets) of copilot-enabled agent-solved tickets."""
    return con.execute(
        f"""
        SELECT e.d, intent, region, avg(escalated::INT) AS rate, count(*) AS n
        FROM {eval_days(con)} e JOIN {TICKETS}_clean t
            ON t.solved_at::DATE BETWEEN e.d - 2 AND e.d
        WHERE copilot_enabled AND resolved_by = 'agent'
        GROUP BY ALL HAVING count(*) >= {min_tickets} ORDER BY ALL
        """
    ).fetchall()


def residency(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(prompt_id, logged day, ticket region, processing region, reason) per violating call."""
    return con.execute(
        f"""
        SELECT c.prompt_id, c.logged_at::DATE, t.region, c.processing_region,
            CASE WHEN t.ticket_id IS NULL THEN 'unknown_ticket'
                 WHEN p.region IS NULL THEN 'no_policy_for_region'
                 ELSE 'region_not_allowed' END AS reason
        FROM {CALLS}_clean c
        LEFT JOIN {TICKETS}_clean t USING (ticket_id)
        LEFT JOIN policy p ON p.region = t.region
        WHERE t.ticket_id IS NULL OR p.region IS NULL
            OR p.processing_region <> c.processing_region
        ORDER BY 1
        """
    ).fetchall()
