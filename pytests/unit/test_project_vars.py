"""The one table of vars (dbt_project.yml) renders the README table and the docs overview; the
dbt-duckdb plugin resolves and refuses database paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt_common.exceptions import DbtRuntimeError

from copilot_governance import dbt_duckdb_plugin, project_vars
from pytests.dbt_runner import PROJECT_ROOT


def test_readme_and_docs_are_rendered_from_the_table():
    assert project_vars.stale_files(PROJECT_ROOT) == {}, "run python -m copilot_governance.project_vars --write"


def test_the_table_names_every_var_the_sql_reads():
    names = {spec.name for spec in project_vars.load_specs(PROJECT_ROOT)}
    used = set()
    for path in [*PROJECT_ROOT.glob("models/**/*.sql"), *PROJECT_ROOT.glob("macros/**/*.sql")]:
        used |= set(re.findall(r"project_var\('(\w+)'\)", path.read_text()))
    assert used and used <= names
    # every var reaches SQL through project_var: no direct var() of a tabled name outside the accessor
    for path in [*PROJECT_ROOT.glob("models/**/*.sql"), *PROJECT_ROOT.glob("macros/**/*.sql")]:
        if path.name != "project_vars.sql":
            assert not re.search(r"\bvar\('(" + "|".join(names) + r")'", path.read_text()), path


def test_a_stale_rendering_is_found(tmp_path):
    for name in ("dbt_project.yml", "README.md"):
        (tmp_path / name).write_text((PROJECT_ROOT / name).read_text())
    (tmp_path / "models" / "docs").mkdir(parents=True)
    (tmp_path / "models" / "docs" / "project_vars.md").write_text("stale")
    project = (tmp_path / "dbt_project.yml").read_text().replace("default: 0.20", "default: 0.25", 1)
    (tmp_path / "dbt_project.yml").write_text(project)
    stale = project_vars.stale_files(tmp_path)
    assert set(stale) == {tmp_path / "README.md", tmp_path / "models" / "docs" / "project_vars.md"}
    assert "| `minor_edit_max` | number | 0 to 1 | `0.25` |" in stale[tmp_path / "README.md"]


def _plugin() -> dbt_duckdb_plugin.Plugin:
    return dbt_duckdb_plugin.Plugin(name="copilot", plugin_config={})


def test_plugin_refuses_a_missing_file_and_resolves_relative_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(dbt_duckdb_plugin, "project_dir", lambda: tmp_path)
    creds = DuckDBCredentials(path="data/missing.duckdb")
    with pytest.raises(DbtRuntimeError, match=re.escape(f"The DuckDB database {tmp_path}/data/missing.duckdb")):
        _plugin().update_connection_config(creds, {})
    assert not (tmp_path / "data").exists()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "here.duckdb").write_bytes(b"")
    creds = DuckDBCredentials(path="data/here.duckdb")
    _plugin().update_connection_config(creds, {})
    assert Path(creds.path) == tmp_path / "data" / "here.duckdb"
    memory = DuckDBCredentials(path=":memory:")
    _plugin().update_connection_config(memory, {})
    assert memory.path == ":memory:"
