"""Copilot drafts (zs_draft_confidence) and the model calls behind them (zs_prompt_logs)."""

from __future__ import annotations

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS

from . import config as cfg
from . import reference as ref
from .context import CONFIDENCE_DRIFT_SHIFT, Context
from .frame import DAY, Frame, choice, lognormal_median

# Calls and drafts carry the auxiliary column x_region (their ticket's region).


def _drafts(ctx: Context, rng: np.random.Generator, tickets: Frame, force_coverage: bool) -> tuple[Frame, np.ndarray]:
    """Draft rows, and for each draft the position of its ticket in `tickets`."""
    t = tickets
    eligible = t["copilot_enabled"] & t["x_has_agent"]
    covered = eligible & ((rng.random(len(t)) < ref.COVERAGE) | force_coverage)
    idx = np.flatnonzero(covered)
    per_ticket = ref.DRAFTS_PER_TICKET[choice(rng, len(idx), ref.DRAFTS_PER_TICKET_P)]
    tix = np.repeat(idx, per_ticket)
    created = t["created_at"][tix]
    span = np.maximum(t["x_work_end"][tix] - created - 60, 0)
    drafted = created + 60 + np.floor(rng.uniform(0.02, 0.85, len(tix)) * span).astype(np.int64)
    keep = drafted < ctx.cutoff
    tix, drafted = tix[keep], drafted[keep]
    order = np.argsort(drafted, kind="stable")
    tix, drafted = tix[order], drafted[order]
    n = len(tix)

    queue, region = t["queue"][tix], t["region"][tix]
    intent = np.where(t.null["intent"][tix], ref.QUEUE_DEFAULT_INTENT[queue], t["intent"][tix])
    mean = ref.CONFIDENCE_MEAN[intent]
    conf = rng.beta(mean * ref.CONFIDENCE_KAPPA, (1 - mean) * ref.CONFIDENCE_KAPPA)
    if ctx.planted(cfg.CONFIDENCE_DRIFT):
        drift = (intent == ref.I_SHIPPING_STATUS) & (region == ref.R_EU) & ctx.in_window(drafted // DAY)
        conf = np.where(drift, conf - CONFIDENCE_DRIFT_SHIFT, conf)
    conf = np.round(np.clip(conf, 0.0, 1.0), 2)
    mode = np.where(
        conf < ref.SUGGEST_MIN[intent],
        ref.M_SUPPRESSED,
        np.where(conf < ref.REVIEW_BELOW[intent], ref.M_REVIEW, ref.M_AUTO),
    )
    shown = mode != ref.M_SUPPRESSED

    # The agent's action: acceptance (accepted or minor edit) rises with confidence.
    success = rng.random(n) < 1 / (1 + np.exp(-(ref.ACCEPT_A + ref.ACCEPT_B * conf)))
    minor = rng.random(n) < ref.MINOR_EDIT_SHARE
    reject = rng.random(n) < ref.REJECT_SHARE
    action = np.where(
        success,
        np.where(minor, ref.A_EDITED, ref.A_ACCEPTED),
        np.where(reject, ref.A_REJECTED, ref.A_EDITED),
    )
    ratio = np.where(
        success,
        np.where(minor, np.round(rng.uniform(0.01, ref.MINOR_EDIT_MAX, n), 3), 0.0),
        np.round(0.21 + 0.74 * rng.beta(2.0, 3.0, n), 3),
    )
    delay = np.clip(lognormal_median(rng, 180.0, 0.8, n), 15, 7200).astype(np.int64)
    solved = t.valid("solved_at")[tix]
    sent = np.where(solved, np.minimum(drafted + delay, t["solved_at"][tix]), drafted + delay)
    sends = action != ref.A_REJECTED
    undecided = ~shown | (rng.random(n) < ref.UNDECIDED_RATE) | (sends & (sent >= ctx.cutoff))
    no_sent = undecided | ~sends

    data = {
        "draft_id": ctx.take_ids("draft", n),
        "ticket_id": t["ticket_id"][tix],
        "prompt_id": np.zeros(n, dtype=np.int64),  # set with the calls
        "intent": intent,
        "confidence_score": conf,
        "drafted_at": drafted,
        "suggestion_mode": mode,
        "agent_action": action,
        "edit_distance_ratio": ratio,
        "sent_at": np.where(no_sent, 0, sent),
        "_loaded_at": np.zeros(n, dtype=np.int64),
        "x_region": region,
    }
    null = {
        "agent_action": undecided,
        "edit_distance_ratio": undecided | (action == ref.A_REJECTED),
        "sent_at": no_sent,
    }
    return Frame(DRAFTS, data, null), tix


def _template(ctx: Context, intent: np.ndarray, logged: np.ndarray) -> np.ndarray:
    bumped = (intent == ref.BUMPED_INTENT) & (logged // DAY >= ctx.bump_day)
    return np.where(bumped, ref.T_BUMPED, intent)


def _calls(
    ctx: Context,
    rng: np.random.Generator,
    tickets: Frame,
    drafts: Frame,
    tix: np.ndarray,
) -> Frame:
    """One ok call per draft, plus failed calls (error, timeout, filtered) without a draft."""
    n_ok = len(drafts)
    failed = rng.random(n_ok) < ref.FAILED_CALL_RATE
    src = np.r_[np.arange(n_ok), np.flatnonzero(failed)]  # the draft each call belongs to
    is_ok = np.arange(len(src)) < n_ok
    n = len(src)
    ttix = tix[src]
    created = tickets["created_at"][ttix]
    region = tickets["region"][ttix]
    intent = drafts["intent"][src]

    status = np.where(
        is_ok, ref.ST_OK, np.array([ref.ST_ERROR, ref.ST_TIMEOUT, ref.ST_FILTERED])[choice(rng, n, ref.FAILED_STATUS_P)]
    )
    model = np.where(rng.random(n) < ref.MODEL_4O_SHARE, 0, 1)
    latency = lognormal_median(rng, ref.LATENCY_MEDIAN_MS[model], ref.LATENCY_SIGMA, n)
    latency = np.where(status == ref.ST_ERROR, lognormal_median(rng, 400.0, 0.5, n), latency)
    latency = np.where(status == ref.ST_FILTERED, lognormal_median(rng, 300.0, 0.4, n), latency)
    latency = np.where(status == ref.ST_TIMEOUT, 30_000 + rng.integers(0, 250, n), latency)
    latency = np.maximum(np.rint(latency), 50).astype(np.int64)
    ok_logged = drafts["drafted_at"][src] - np.ceil(latency / 1000).astype(np.int64)
    ok_logged -= rng.integers(1, 5, n)
    logged = np.where(is_ok, ok_logged, ok_logged - rng.integers(10, 120, n))
    logged = np.maximum(logged, created)
    input_tokens = np.clip(lognormal_median(rng, 1500.0, 0.35, n), 600, 4000).astype(np.int64)
    output_tokens = np.clip(lognormal_median(rng, 280.0, 0.4, n), 60, 800).astype(np.int64)
    output_tokens = np.where(is_ok, output_tokens, 0)
    pii = rng.random(n) < ref.PII_RATE
    redacted = pii & (rng.random(n) >= ref.PII_UNREDACTED_RATE)
    text = intent * ref.PROMPTS_PER_INTENT + rng.integers(0, ref.PROMPTS_PER_INTENT, n)

    order = np.argsort(logged, kind="stable")
    prompt_ids = np.zeros(n, dtype=np.int64)
    prompt_ids[order] = ctx.take_ids("prompt", n)
    drafts.data["prompt_id"][:] = prompt_ids[:n_ok]
    data = {
        "prompt_id": prompt_ids,
        "ticket_id": tickets["ticket_id"][ttix],
        "draft_id": np.where(is_ok, drafts["draft_id"][src], 0),
        "logged_at": logged,
        "processing_region": ref.PROCESSING_FOR_REGION[region],
        "model": model,
        "prompt_template_version": _template(ctx, intent, logged),
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "latency_ms": latency,
        "status": status,
        "pii_detected": pii,
        "pii_redacted": redacted,
        "jailbreak_flag": rng.random(n) < ref.JAILBREAK_RATE,
        "prompt_text": text,
        "_loaded_at": np.zeros(n, dtype=np.int64),
        "x_region": region,
    }
    null = {"draft_id": ~is_ok, "prompt_text": logged < ctx.retention_start}
    return Frame(CALLS, data, null).take(order)


def simulate_copilot(
    ctx: Context, rng: np.random.Generator, tickets: Frame, force_coverage: bool = False
) -> tuple[Frame, Frame]:
    """(calls, drafts) for the copilot-enabled tickets of a segment that an agent worked."""
    drafts, tix = _drafts(ctx, rng, tickets, force_coverage)
    calls = _calls(ctx, rng, tickets, drafts, tix)
    return calls, drafts
