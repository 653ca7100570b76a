"""A dbt-duckdb plugin (profiles.yml: `plugins: [{module: copilot_governance.dbt_duckdb_plugin}]`).

It runs before dbt-duckdb opens the database file and does two things:
- a relative `path` resolves against the dbt project directory, not the current directory, so
  `dbt build --project-dir ... --profiles-dir ...` from cron reads the same file as from the project;
- a database file that does not exist stops the run with a message naming it: DuckDB would
  otherwise create an empty file on connect, and the run would fail later on a missing schema raw.
  The project's files are created by the loader (or `copilot-governance generate`), never by dbt.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

#: Paths that are not files on disk (in-memory databases, MotherDuck, URLs).
_NOT_A_FILE = (":memory:", "md:", "motherduck:", "s3://", "gs://", "http://", "https://")


def project_dir() -> Path:
    """The dbt project directory of this invocation (--project-dir / DBT_PROJECT_DIR, else the current one)."""
    try:
        from dbt.flags import get_flags

        configured = getattr(get_flags(), "PROJECT_DIR", None)
    except Exception:
        configured = None
    return Path(configured or os.environ.get("DBT_PROJECT_DIR") or os.getcwd()).resolve()


def resolve_database_path(path: str, base: Path) -> Path:
    """A relative path against `base`, `~` expanded: the file the project reads from any directory."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate)


class Plugin(BasePlugin):
    """Resolve the DuckDB path against the project and refuse a database file that does not exist."""

    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        path = creds.path or ""
        if not path or path.lower().startswith(_NOT_A_FILE):
            return
        resolved = resolve_database_path(path, project_dir())
        if not resolved.is_file():
            raise DbtRuntimeError(
                f"The DuckDB database {resolved} does not exist (profile path '{path}', env var "
                "PILOT_DUCKDB_PATH; a relative path resolves against the dbt project directory). "
                "The project never creates it: load the raw tables into it first (your loader, or "
                f"`copilot-governance generate --db {resolved}` for demo data), or point PILOT_DUCKDB_PATH "
                "at the file that holds schema raw."
            )
        creds.path = str(resolved)
