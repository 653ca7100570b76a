"""How the test suite shares its work between pytest-xdist's workers (scripts/test.sh: two).

Each test module runs in one worker, so a module's fixtures are built once; the end-to-end modules
that share a session fixture are one group and run in one worker, so that fixture is built once too.
(xdist's own `--dist loadgroup` groups by a suffix it writes into the node id, which pytest 9's node
ids no longer take, so the grouping is done here, by module path.)
"""

from __future__ import annotations

from typing import Any

import pytest

#: Modules that share a session fixture (pytests/e2e/conftest.py), by that fixture.
SHARED_FIXTURE_GROUPS = {
    "pytests/e2e/test_nightly_duty.py": "nightly_replay",
    "pytests/e2e/test_incremental_nightly.py": "nightly_replay",
    "pytests/e2e/test_rollback_gate.py": "pilot",
    "pytests/e2e/test_anomaly_views.py": "pilot",
    "pytests/e2e/test_brief.py": "pilot",
    "pytests/e2e/test_nightly_command.py": "nightly_command_run",
    "pytests/e2e/test_metricflow_queries.py": "nightly_command_run",
    "pytests/e2e/test_report_browser.py": "nightly_command_run",
}


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its group of modules, else its module."""
    module = nodeid.split("::", 1)[0]
    return SHARED_FIXTURE_GROUPS.get(module, module)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return SharedFixtureScheduling(config, log)
