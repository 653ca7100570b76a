"""Raw pilot data for the Snowflake emulator tests.

`make_raw_duckdb` writes the three raw tables (schema `raw`) of a DuckDB file with the project's
generator (`python -m copilot_governance generate`) when it is installed, else with a small
deterministic stand-in written here, which follows the raw contract (shared/contract/raw-sources.md)
closely enough to exercise every model: re-deliveries, a few bad rows, unmapped values.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

QUEUES = ["billing", "shipping-updates", "returns", "account-access", "technical", "faq"]
REGIONS = ["NA", "EU", "UK", "APAC", "JP", "ANZ", "LATAM", "MEA"]
INTENTS = {
    "billing": ["billing_refund", "billing_invoice"],
    "shipping-updates": ["shipping_status", "shipping_delay"],
    "returns": ["return_request"],
    "account-access": ["password_reset"],
    "technical": ["bug_report"],
    "faq": ["general_question"],
}
PROCESSING = {"NA": "us-east", "EU": "westeurope", "UK": "uksouth", "APAC": "southeastasia"}


def generator_available() -> bool:
    spec = importlib.util.find_spec("copilot_governance")
    if spec is None:
        return False
    return importlib.util.find_spec("copilot_governance.cli") is not None


def make_raw_duckdb(db_path: Path, end_date: dt.date, days: int = 56, tickets_per_day: int = 60, seed: int = 7) -> str:
    """Fill `db_path` (schema raw) with pilot data ending on `end_date`; returns which maker ran."""
    if generator_available():
        start = end_date - dt.timedelta(days=days - 1)
        cmd = [
            sys.executable,
            "-m",
            "copilot_governance",
            "generate",
            "--db",
            str(db_path),
            "--seed",
            str(seed),
            "--start-date",
            start.isoformat(),
            "--end-date",
            end_date.isoformat(),
            "--tickets-per-day",
            str(tickets_per_day),
        ]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
        return "generator"
    _make_stand_in(db_path, end_date, days, tickets_per_day, seed)
    return "stand-in"


def _ts(day: dt.date, seconds: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=int(seconds))


def _make_stand_in(db_path: Path, end_date: dt.date, days: int, per_day: int, seed: int) -> None:
    rng = random.Random(seed)
    start = end_date - dt.timedelta(days=days - 1)
    pilot_start = end_date - dt.timedelta(days=27)
    tickets: list[tuple] = []
    calls: list[tuple] = []
    drafts: list[tuple] = []
    n_ticket = n_call = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for _ in range(per_day):
            n_ticket += 1
            ticket_id = f"T{n_ticket:07d}"
            queue = rng.choice(QUEUES)
            region = rng.choice(REGIONS)
            intent = rng.choice([*INTENTS[queue], None] if rng.random() < 0.05 else INTENTS[queue])
            created = _ts(day, rng.uniform(0, 80_000))
            pilot_arm = day >= pilot_start and queue in ("billing", "shipping-updates")
            copilot = pilot_arm and region in ("NA", "EU") and rng.random() < 0.5
            solved = created + dt.timedelta(seconds=rng.uniform(600, 200_000))
            if rng.random() < 0.08:
                solved = None
            resolved_by = None
            if solved is not None:
                resolved_by = "self_service" if rng.random() < 0.15 else "agent"
            by_agent = resolved_by == "agent" or (solved is None and rng.random() < 0.5)
            agent_id = f"A{rng.randint(1, 40):03d}" if by_agent else None
            handle = rng.randint(120, 2400) if by_agent else None
            replies = rng.randint(0, 4) if by_agent else 0
            reopens = 1 if rng.random() < 0.07 else 0
            ratings = ["good", "good", "good", "bad", "offered", None]
            rating = rng.choice(ratings) if solved else None
            updated = solved or created
            loaded = updated + dt.timedelta(hours=rng.uniform(1, 30))
            row = [
                ticket_id,
                created,
                updated,
                solved,
                queue,
                intent,
                region,
                rng.choice(["email", "chat", "web", "voice"]),
                copilot,
                resolved_by,
                agent_id,
                handle,
                replies,
                reopens,
                rng.random() < 0.1,
                rating,
                loaded,
            ]
            if rng.random() < 0.05:  # an earlier delivery, superseded by the row above
                early = list(row)
                early[16] = loaded - dt.timedelta(hours=2)
                early[15] = None
                tickets.append(tuple(early))
            if rng.random() < 0.004:  # bad input: negative handle time
                row[11] = -5
            tickets.append(tuple(row))
            if not copilot:
                continue
            for _ in range(rng.randint(1, 2)):
                n_call += 1
                prompt_id, draft_id = f"P{n_call:07d}", f"D{n_call:07d}"
                logged = created + dt.timedelta(seconds=rng.uniform(10, 600))
                status = "ok" if rng.random() < 0.95 else rng.choice(["error", "timeout"])
                proc = PROCESSING.get(region, "us-east")
                if rng.random() < 0.01:
                    proc = "eastasia"  # unmapped and outside the region's policy
                calls.append(
                    (
                        prompt_id,
                        ticket_id,
                        draft_id if status == "ok" else None,
                        logged,
                        proc,
                        rng.choice(["gpt-4o", "gpt-4o-mini"]),
                        f"{intent or 'general'}@1.0.0",
                        rng.randint(200, 2000),
                        rng.randint(50, 600),
                        rng.randint(400, 4000),
                        status,
                        rng.random() < 0.2,
                        rng.random() < 0.19,
                        rng.random() < 0.01,
                        None if rng.random() < 0.3 else "redacted prompt text",
                        logged + dt.timedelta(hours=1),
                    )
                )
                if status != "ok":
                    continue
                conf = round(rng.uniform(0.3, 1.0), 2)
                mode = "suppressed" if conf < 0.45 else rng.choice(["auto_suggest", "human_review"])
                action = ratio = sent = None
                if mode != "suppressed" and rng.random() < 0.9:
                    action = rng.choices(["accepted", "edited", "rejected"], [conf, 0.3, 0.4])[0]
                    ratio = 0.0 if action == "accepted" else None
                    if action == "edited":
                        ratio = round(rng.uniform(0.01, 0.6), 3)
                    if action != "rejected":
                        sent = logged + dt.timedelta(minutes=rng.uniform(1, 60))
                if rng.random() < 0.003:
                    conf = 1.7  # bad input: confidence out of range
                draft_intent = intent or "general_question"
                drafted = logged + dt.timedelta(seconds=5)
                drafts.append(
                    (
                        draft_id,
                        ticket_id,
                        prompt_id,
                        draft_intent,
                        conf,
                        drafted,
                        mode,
                        action,
                        ratio,
                        sent,
                        (sent or drafted) + dt.timedelta(hours=1),
                    )
                )
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists raw")
        con.execute(
            """create or replace table raw.zs_ticket_outcomes (
                ticket_id varchar, created_at timestamp, updated_at timestamp, solved_at timestamp,
                queue varchar, intent varchar, region varchar, channel varchar,
                copilot_enabled boolean, resolved_by varchar, agent_id varchar,
                handle_time_seconds integer, agent_replies integer, reopens integer,
                escalated boolean, satisfaction_rating varchar, _loaded_at timestamp)"""
        )
        con.execute(
            """create or replace table raw.zs_prompt_logs (
                prompt_id varchar, ticket_id varchar, draft_id varchar, logged_at timestamp,
                processing_region varchar, model varchar, prompt_template_version varchar,
                input_tokens integer, output_tokens integer, latency_ms integer, status varchar,
                pii_detected boolean, pii_redacted boolean, jailbreak_flag boolean,
                prompt_text varchar, _loaded_at timestamp)"""
        )
        con.execute(
            """create or replace table raw.zs_draft_confidence (
                draft_id varchar, ticket_id varchar, prompt_id varchar, intent varchar,
                confidence_score double, drafted_at timestamp, suggestion_mode varchar,
                agent_action varchar, edit_distance_ratio double, sent_at timestamp,
                _loaded_at timestamp)"""
        )
        for table, rows in (
            ("zs_ticket_outcomes", tickets),
            ("zs_prompt_logs", calls),
            ("zs_draft_confidence", drafts),
        ):
            names = [r[0] for r in con.execute(f"describe raw.{table}").fetchall()]
            frame = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows])
            con.register("frame", frame)
            con.execute(f"insert into raw.{table} by name select * from frame")
            con.unregister("frame")
    finally:
        con.close()
