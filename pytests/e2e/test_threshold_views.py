"""End to end: threshold_acceptance_by_intent and threshold_recommendations on a generated pilot,
compared column by column with an independent Python computation from the raw drafts. Bands are
computed here with decimal arithmetic on the score as written (Decimal(repr(score))), not with the
project's floating-point rule, so a band-edge error in either would show."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest

from pytests.contract_oracle import fetch
from pytests.dbt_runner import PROJECT_ROOT
from pytests.reference import assert_rows_match, load_raw, normalise_dates, same, wilson
from pytests.scenario import Scenario, build, generate

pytestmark = pytest.mark.e2e

AS_OF = dt.date(2026, 11, 23)
MIN_DRAFTS = 30
MIN_BAND_DRAFTS = 10
BAND = Decimal("0.05")


def band_index(score: float) -> int:
    """The largest k in 0..19 with score >= k x 0.05, in decimal arithmetic."""
    return min(int(Decimal(repr(score)) // BAND), 19)


def thresholds_as_of(day: dt.date) -> dict[str, dict]:
    with (PROJECT_ROOT / "seeds" / "pilot" / "intent_thresholds.csv").open() as f:
        rows = list(csv.DictReader(f))
    in_force = {}
    for r in rows:
        start = dt.date.fromisoformat(r["valid_from"])
        end = dt.date.fromisoformat(r["valid_to"]) if r["valid_to"] else None
        if start <= day and (end is None or day < end):
            in_force[r["intent"]] = r
    return in_force


def acceptance_target() -> float:
    with (PROJECT_ROOT / "seeds" / "pilot" / "kpi_targets.csv").open() as f:
        return next(float(r["target_value"]) for r in csv.DictReader(f) if r["metric"] == "draft_acceptance_rate")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = generate(
        tmp_path_factory.mktemp("thresholds"),
        "--seed",
        "5",
        "--start-date",
        "2026-10-20",
        "--end-date",
        AS_OF.isoformat(),
        "--tickets-per-day",
        "1500",
    )
    result = build(scenario, dbt_vars={"as_of_date": AS_OF.isoformat()})
    assert result.returncode == 0, result.output[-5000:]
    return scenario


@pytest.fixture(scope="module")
def marts(built: Scenario) -> dict[str, list[dict]]:
    con = duckdb.connect(str(built.db_path), read_only=True)
    try:
        return {
            name: [normalise_dates(r) for r in fetch(con, f"select * from marts.{name}")]
            for name in ("threshold_acceptance_by_intent", "threshold_recommendations")
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def decided(built: Scenario) -> list[dict]:
    raw = load_raw(built.db_path)
    return [
        {**d, "region": raw["tickets"][d["ticket_id"]]["region"]}
        for d in raw["drafts"]
        if d["decided"] and d["ticket_id"] in raw["tickets"]
    ]


def expected_bands(decided: list[dict]) -> dict:
    in_force = thresholds_as_of(AS_OF)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[tuple, int] = defaultdict(int)
    for d in decided:
        cell = counts[(d["intent"], d["region"], band_index(d["confidence_score"]))]
        cell[0] += 1
        cell[1] += int(d["accepted"])
        totals[(d["intent"], d["region"])] += 1
    expected = {}
    for (intent, region), total in totals.items():
        threshold = in_force.get(intent, in_force["*"])
        at_or_above = accepted_above = 0
        for k in range(19, -1, -1):
            n, a = counts.get((intent, region, k), [0, 0])
            at_or_above += n
            accepted_above += a
            lower, upper = wilson(a, n)
            lower_above, upper_above = wilson(accepted_above, at_or_above)
            expected[(intent, region, float(Decimal(k) * BAND))] = {
                "band_upper": float(Decimal(k + 1) * BAND),
                "drafts_decided": n,
                "drafts_accepted": a,
                "acceptance_rate": a / n if n else None,
                "drafts_at_or_above": at_or_above,
                "acceptance_at_or_above": accepted_above / at_or_above if at_or_above else None,
                "coverage_at_or_above": at_or_above / total,
                "configured_suggest_min_conf": float(threshold["suggest_min_conf"]),
                "configured_review_below_conf": float(threshold["review_below_conf"]),
                "drafts_accepted_at_or_above": accepted_above,
                "acceptance_rate_lower": lower,
                "acceptance_rate_upper": upper,
                "acceptance_at_or_above_lower": lower_above,
                "acceptance_at_or_above_upper": upper_above,
                "configured_threshold_intent": threshold["intent"],
                "as_of_date": AS_OF,
            }
    return expected


def test_bands_match_the_raw_drafts(marts, decided):
    expected = expected_bands(decided)
    actual = {(r["intent"], r["region"], r["band_lower"]): r for r in marts["threshold_acceptance_by_intent"]}
    columns = [c for c in next(iter(actual.values())) if c not in ("intent", "region", "band_lower")]
    assert set(columns) == set(next(iter(expected.values()))), "every published column is checked"
    assert_rows_match(actual, expected, columns)


def test_scores_on_band_edges_are_exercised(decided):
    on_edges = [d for d in decided if Decimal(repr(d["confidence_score"])) % BAND == 0]
    assert len(on_edges) > 100, "the scenario must put scores exactly on band edges"
    assert any(d["confidence_score"] == 0.85 for d in on_edges)


def expected_recommendations(decided: list[dict]) -> dict:
    """marts.md v1.1: candidates are the bands at or above the band holding the configured threshold,
    and a band below it only when it and every band up to the configured threshold's band hold at
    least MIN_BAND_DRAFTS decided drafts of their own. A candidate's value is its band_lower, the
    configured threshold itself for the band holding it (with the figures at the configured
    threshold); the recommendation is the lowest candidate meeting the target with MIN_DRAFTS."""
    bands = expected_bands(decided)
    target = acceptance_target()
    expected = {}
    for intent, region in {(i, r) for i, r, _ in bands}:
        by_index = {band_index(b): v for (i, r, b), v in bands.items() if (i, r) == (intent, region)}
        configured = by_index[0]["configured_suggest_min_conf"]
        mine = [d for d in decided if (d["intent"], d["region"]) == (intent, region)]
        above = [d for d in mine if Decimal(repr(d["confidence_score"])) >= Decimal(repr(configured))]
        accepted_above = sum(d["accepted"] for d in above)
        configured_band = band_index(configured)
        lowest = configured_band
        while lowest > 0 and by_index[lowest - 1]["drafts_decided"] >= MIN_BAND_DRAFTS:
            lowest -= 1
        candidates = []
        for k in range(lowest, 20):
            if k == configured_band:
                n, a, value = len(above), accepted_above, configured
            else:
                n, a = by_index[k]["drafts_at_or_above"], by_index[k]["drafts_accepted_at_or_above"]
                value = float(Decimal(k) * BAND)
            candidates.append((value, n, a))
        best = next((c for c in candidates if c[1] >= MIN_DRAFTS and c[2] / c[1] >= target), None)
        expected[(intent, region)] = {
            "configured_suggest_min_conf": configured,
            "recommended_suggest_min_conf": best[0] if best else None,
            "expected_acceptance": best[2] / best[1] if best else None,
            "expected_coverage": best[1] / len(mine) if best else None,
            "drafts_decided": len(mine),
            "expected_drafts_at_or_above": best[1] if best else None,
            "configured_acceptance": accepted_above / len(above) if above else None,
            "configured_coverage": len(above) / len(mine),
            "configured_drafts_at_or_above": len(above),
            "acceptance_target": target,
            "min_drafts": MIN_DRAFTS,
            "lowest_evidenced_band_lower": candidates[0][0],
            "acceptance_at_or_above_lower": wilson(best[2], best[1])[0] if best else None,
            "min_band_drafts": MIN_BAND_DRAFTS,
        }
    return expected


def test_recommendations_match_the_raw_drafts(marts, decided):
    expected = expected_recommendations(decided)
    actual = {(r["intent"], r["region"]): r for r in marts["threshold_recommendations"]}
    columns = [c for c in next(iter(actual.values())) if c not in ("intent", "region")]
    assert set(columns) == set(next(iter(expected.values()))), "every published column is checked"
    assert_rows_match(actual, expected, columns)


def test_recommendations_never_reach_into_bands_without_decided_drafts(marts, decided):
    """The v1.0 bug: bands below the threshold have no decided drafts (suppressed drafts are never
    shown) but inherit the cumulative figures of the bands above, so 0.00 was recommended. The
    scenario must reproduce that situation, and no recommendation may land in such a band."""
    bands = expected_bands(decided)
    empty_below = {
        (i, r)
        for (i, r, b), v in bands.items()
        if band_index(b) < band_index(v["configured_suggest_min_conf"]) and v["drafts_decided"] == 0
    }
    assert len(empty_below) > len(marts["threshold_recommendations"]) // 2, "empty bands below the thresholds"
    for row in marts["threshold_recommendations"]:
        recommended = row["recommended_suggest_min_conf"]
        if recommended is None or recommended >= row["configured_suggest_min_conf"]:
            continue
        assert bands[(row["intent"], row["region"], recommended)]["drafts_decided"] >= MIN_BAND_DRAFTS, row
    assert all(r["lowest_evidenced_band_lower"] is not None for r in marts["threshold_recommendations"])


def test_playbook_thresholds_are_shown_for_billing_refund_and_shipping_status(marts):
    configured = {r["intent"]: r["configured_suggest_min_conf"] for r in marts["threshold_recommendations"]}
    assert same(configured["billing_refund"], 0.85)
    assert same(configured["shipping_status"], 0.72)
    assert all(same(v, 0.70) for k, v in configured.items() if k not in ("billing_refund", "shipping_status"))
