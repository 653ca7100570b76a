"""Session-wide end-to-end scenarios shared by several test modules."""

from __future__ import annotations

import pytest

from pytests.e2e.nightly_replay import Replay, run_replay


@pytest.fixture(scope="session")
def nightly_replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """Fourteen nights replayed on one warehouse (one skipped), as a loader delivers them."""
    return run_replay(tmp_path_factory.mktemp("nightly_replay"))
