"""Session-wide end-to-end scenarios shared by several test modules."""

from __future__ import annotations

import pytest

from pytests.e2e.governance_scenario import AllEvents, all_events
from pytests.e2e.nightly_command_run import Night, run_night
from pytests.e2e.nightly_replay import Replay, run_replay


@pytest.fixture(scope="session")
def nightly_replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """Fourteen nights replayed on one warehouse (one skipped), as a loader delivers them."""
    return run_replay(tmp_path_factory.mktemp("nightly_replay"))


@pytest.fixture(scope="session")
def nightly_command_run(tmp_path_factory: pytest.TempPathFactory) -> Night:
    """`copilot-governance nightly` run once as cron runs it (the gate fires: a residency violation)."""
    return run_night(tmp_path_factory.mktemp("nightly_command"))


@pytest.fixture(scope="session")
def pilot(tmp_path_factory: pytest.TempPathFactory) -> AllEvents:
    """A generated pilot with every governance event planted, built for its event night and a clean
    night and published (shared by the rollback gate, anomaly view and brief tests)."""
    return all_events(tmp_path_factory.getbasetemp() / "governance_all_events")
