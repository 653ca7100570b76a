"""Where the project's files are, the same from any working directory (the CLI works from cron)."""

from __future__ import annotations

from pathlib import Path

#: The demo and default DuckDB file, relative to the project root.
DEFAULT_DB = "data/pilot.duckdb"


class ProjectError(Exception):
    """The project or one of its directories cannot be found or read."""


def project_root() -> Path:
    """The project root: the directory with dbt_project.yml, above this package (editable install)
    or, failing that, above the current directory."""
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            if (directory / "dbt_project.yml").is_file():
                return directory
    raise ProjectError("cannot find the project root (a directory with dbt_project.yml)")


def database_path(db: str | Path | None) -> Path:
    """A DuckDB path given on the command line (against the current directory), or the default
    (data/pilot.duckdb) against the project root; absolute."""
    return (Path(db).expanduser() if db is not None else project_root() / DEFAULT_DB).absolute()
