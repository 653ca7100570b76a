"""The one-pager and the evidence pack as a person sees them (issue 12): rendered from the published
warehouse of the nightly's run, opened in a real headless Chromium (Debian's chromium and
chromium-driver, driven with selenium), screenshots taken; no console error, every chart drew, and
the numbers on the page are the marts' (read back from the page's text, not from the renderer)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.contract_oracle import fetch
from pytests.e2e.nightly_command_run import AS_OF, Night

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).with_name("copilot-governance"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def report_dir(nightly_command_run: Night, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = subprocess.run(
        [CLI, "report", "--as-of", AS_OF, "--db", str(nightly_command_run.serving), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "Chromium and chromium-driver are needed (scripts/test.sh installs Debian's packages)"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def marts(db: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        return fetch(con, sql)


def number(text: str) -> tuple[float, float]:
    """A displayed figure read back: (value, half its last displayed digit). 64.2% -> (0.642, 0.0005)."""
    cleaned = text.replace(",", "").replace("$", "").strip()
    match = re.fullmatch(r"([+-]?\d+(?:\.(\d+))?)\s*(%|s|ms)?", cleaned)
    assert match, f"not a figure: {text!r}"
    decimals = len(match.group(2) or "")
    value, half = float(match.group(1)), 0.5 * 10**-decimals
    if match.group(3) == "%":
        return value / 100, half / 100
    return value, half


def open_page(browser, path: Path, shot: Path):
    from selenium.webdriver.common.by import By

    browser.get(path.as_uri())
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height + 200, 800), 16000))
    browser.save_screenshot(str(shot))
    browser.set_window_size(1280, 1600)  # element screenshots below: each chart scrolled into the viewport
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe
    return browser.find_elements(By.CSS_SELECTOR, "figure.chart")


def drew(element) -> float:
    """The share of non-white pixels in the element's area (its own screenshot)."""
    import numpy as np
    from PIL import Image

    element.parent.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    pixels = np.asarray(Image.open(io.BytesIO(element.screenshot_as_png)).convert("L"))
    return float((pixels < 240).mean())


def cell(row, field: str) -> str:
    from selenium.webdriver.common.by import By

    return row.find_element(By.CSS_SELECTOR, f'td[data-field="{field}"]').text


def test_the_one_pager_loads_draws_and_shows_the_marts(browser, report_dir, nightly_command_run, tmp_path):
    from selenium.webdriver.common.by import By

    db = nightly_command_run.serving
    figures = open_page(browser, report_dir / "one-pager.html", report_dir / "one-pager.png")
    assert [f.get_attribute("data-chart") for f in figures] == ["kpi_deltas"]
    assert all(drew(f) > 0.02 for f in figures)
    (decision,) = marts(db, "select * from marts.pilot_go_no_go")
    shown = browser.find_element(By.CSS_SELECTOR, f'[data-pilot="{decision["pilot_id"]}"][data-field="decision"]')
    assert shown.text == decision["decision"]
    card = {
        f"{r['pilot_id']}|{r['queue']}|{r['region']}|{r['metric']}": r
        for r in marts(db, "select * from marts.pilot_scorecard")
    }
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-scorecard tbody tr")
    assert {r.get_attribute("data-key") for r in rows} == set(card)
    for row in rows:
        expected = card[row.get_attribute("data-key")]
        scale = 1.0
        for field in ("pilot_value", "baseline_value", "control_value"):
            text = cell(row, field)
            if expected[field] is None:
                assert text in ("", "n/a")
                continue
            value, half = number(text)
            assert abs(value - scale * expected[field]) <= half + 1e-9, (field, text, expected[field])
        assert cell(row, "status") == (expected["status"] or "")
        assert int(cell(row, "denominator").replace(",", "")) == expected["denominator"]
    criteria = {
        f"{r['pilot_id']}|{r['criterion']}|{r['scope']}|{r['metric']}": r
        for r in marts(db, "select * from marts.pilot_go_no_go_criteria")
    }
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-go_no_go_criteria tbody tr")
    assert {r.get_attribute("data-key") for r in rows} == set(criteria)
    assert all(cell(r, "verdict") == criteria[r.get_attribute("data-key")]["verdict"] for r in rows)
    assert (report_dir / "one-pager.pdf").read_bytes().startswith(b"%PDF")


def test_the_evidence_pack_follows_the_agenda_and_shows_the_marts(browser, report_dir, nightly_command_run):
    from selenium.webdriver.common.by import By

    db = nightly_command_run.serving
    figures = open_page(browser, report_dir / "evidence-pack.html", report_dir / "evidence-pack.png")
    names = [f.get_attribute("data-chart") for f in figures]
    intents = [
        r["intent"] for r in marts(db, "select distinct intent from marts.threshold_acceptance_by_intent order by 1")
    ]
    assert names == [
        "daily_aht_seconds",
        "daily_csat_pct",
        "daily_deflection_rate",
        "daily_escalation_rate",
        *[f"acceptance_{i}" for i in intents],
        "template_versions",
    ]
    blank = [n for n, f in zip(names, figures, strict=True) if drew(f) <= 0.02]
    assert blank == []
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert [h.split(" ", 1)[0] for h in headings] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    # the exception review: the residency violations planted, by call id
    violations = {r["prompt_id"] for r in marts(db, "select prompt_id from marts.anomaly_residency_mismatch")}
    shown = {
        r.get_attribute("data-key")
        for r in browser.find_elements(By.CSS_SELECTOR, "#table-residency_exceptions tbody tr[data-key]")
    }
    assert shown == violations and violations
    pii = marts(db, "select exception_type, count(*) as n from marts.advisory_pii_exceptions group by 1")
    counts = {
        cell(r, "exception"): int(cell(r, "calls"))
        for r in browser.find_elements(By.CSS_SELECTOR, "#table-exception_counts tbody tr[data-key]")
    }
    assert all(counts[p["exception_type"].replace("_", " ")] == p["n"] for p in pii)
    # 20 annotated tickets, each a decided draft as fct_drafts has it
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-annotated_tickets tbody tr[data-key]")
    drafts = {
        r["draft_id"]: r
        for r in marts(
            db, "select draft_id, confidence_score, agent_action, intent from marts.fct_drafts where is_decided"
        )
    }
    assert len(rows) == 20 and len({cell(r, "intent") for r in rows}) == len({d["intent"] for d in drafts.values()})
    for r in rows:
        draft = drafts[r.get_attribute("data-key")]
        value, half = number(cell(r, "confidence_score"))
        assert abs(value - draft["confidence_score"]) <= half and cell(r, "agent_action") == draft["agent_action"]


def test_every_table_shown_has_its_csv_and_no_page_carries_prompt_text(report_dir, nightly_command_run):
    pages = {name: (report_dir / name).read_text() for name in ("one-pager.html", "evidence-pack.html")}
    for html in pages.values():
        for name in set(re.findall(r'data-table="([a-z_]+)"', html)):
            with (report_dir / "csv" / f"{name}.csv").open(newline="") as f:
                csv_rows = list(csv.DictReader(f))
            shown = re.search(rf'<table id="table-{name}".*?</table>', html, re.S).group(0)
            assert shown.count("<tr data-row=") == len(csv_rows), name
    with duckdb.connect(str(nightly_command_run.scenario.db_path), read_only=True) as con:
        texts = [
            r[0]
            for r in con.execute(
                "select distinct prompt_text from raw.zs_prompt_logs where length(prompt_text) >= 8"
            ).fetchall()
        ]
    assert texts
    assert not [t for t in texts for html in pages.values() if t in html]
