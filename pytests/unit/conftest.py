"""Shared generated scenarios (session-scoped: each is generated once)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from copilot_governance.generator import GenerationResult, GeneratorConfig, generate, write_duckdb

from . import checks

END = date(2025, 3, 2)
START_56 = date(2025, 1, 6)  # 56 days, the default length


@pytest.fixture(scope="session")
def default_result() -> GenerationResult:
    """The default scenario (56 days, 2,000 tickets a day, no governance events)."""
    return generate(GeneratorConfig(start_date=START_56, end_date=END))


@pytest.fixture(scope="session")
def default_con(default_result: GenerationResult) -> duckdb.DuckDBPyConnection:
    return checks.connect(default_result.tables)


@pytest.fixture(scope="session")
def default_raw_db(
    default_result: GenerationResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The default scenario written to a DuckDB file (schema raw) as the CLI does, read back."""
    path = write_duckdb(default_result, tmp_path_factory.mktemp("raw") / "pilot.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def small_result() -> GenerationResult:
    """A small scenario with every default (bad input, re-deliveries, late rows, unmapped)."""
    return generate(
        GeneratorConfig(
            start_date=date(2025, 2, 10),
            end_date=END,
            pilot_start_date=date(2025, 2, 17),
            tickets_per_day=400,
            seed=7,
        )
    )


@pytest.fixture(scope="session")
def small_con(small_result: GenerationResult) -> duckdb.DuckDBPyConnection:
    return checks.connect(small_result.tables)


@pytest.fixture(scope="session", params=[1500, 150])
def planted_result(request: pytest.FixtureRequest) -> GenerationResult:
    """Every governance event, at a normal and at a very small volume."""
    return generate(
        GeneratorConfig(
            start_date=date(2025, 1, 20),
            end_date=END,
            tickets_per_day=request.param,
            plants=frozenset({"all-governance"}),
        )
    )


@pytest.fixture(scope="session")
def planted_con(planted_result: GenerationResult) -> duckdb.DuckDBPyConnection:
    return checks.connect(planted_result.tables)


# --- Great Expectations validation (test_validation.py) ------------------------------------------

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GX_CONFIG = dict(start_date=date(2025, 2, 1), end_date=date(2025, 2, 14), tickets_per_day=150, seed=2)


@pytest.fixture(scope="session")
def gx_raw_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two small raw DuckDB files: `clean` (no bad input) and `bad` (one planted bad row per rule)."""
    base = tmp_path_factory.mktemp("gx_raw")
    clean = write_duckdb(generate(GeneratorConfig(**GX_CONFIG, bad_input=False)), base / "clean.duckdb")
    bad = write_duckdb(generate(GeneratorConfig(**GX_CONFIG, bad_input=True)), base / "bad.duckdb")
    return {"clean": Path(clean), "bad": Path(bad)}


@pytest.fixture
def gx_dir(tmp_path: Path) -> Path:
    """A copy of the repository's GX project without gx/uncommitted, so a run's validation results
    and Data Docs go to the test's directory, not the working tree's."""
    copy = tmp_path / "gx"
    shutil.copytree(PROJECT_ROOT / "gx", copy, ignore=shutil.ignore_patterns("uncommitted"))
    return copy
