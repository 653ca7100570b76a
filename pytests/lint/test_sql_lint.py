"""sqlfluff over every SQL file of the project, with the committed .sqlfluff: zero violations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles

SQLFLUFF = str(Path(sys.executable).with_name("sqlfluff"))


def test_sqlfluff_reports_no_violation(tmp_path: Path) -> None:
    env = {
        **os.environ,
        # The dbt templater compiles the project; give it an empty database of its own.
        "PILOT_DUCKDB_PATH": str(tmp_path / "lint.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    # The project never creates its database file (the dbt-duckdb plugin refuses a missing one).
    duckdb.connect(str(tmp_path / "lint.duckdb")).close()
    ensure_profiles(PROJECT_ROOT)
    proc = subprocess.run(
        [SQLFLUFF, "lint", "models", "tests", "analyses", "--processes", "2", "--disable-progress-bar"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-20000:] + proc.stderr[-5000:]
    assert "All Finished" in proc.stdout


LINT_MACROS = PROJECT_ROOT / "scripts" / "lint_macros.py"


def run_macro_lint(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LINT_MACROS), *paths],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_macros_report_no_sqlfluff_violation() -> None:
    proc = run_macro_lint()
    assert proc.returncode == 0, proc.stdout[-20000:] + proc.stderr[-5000:]
    assert ", 0 problems" in proc.stdout
    # every macro body with SQL was linted (not skipped as Jinja only): at least one per file of SQL
    bodies = int(proc.stdout.rsplit("files, ", 1)[1].split(" macro bodies")[0])
    assert bodies >= 30, proc.stdout


def test_macro_lint_reports_what_it_should(tmp_path: Path) -> None:
    """The macro linter is not a silent pass: each macro shape it wraps (a query, an expression, a
    CTE list, a join, a statement) reports a planted violation at the macro's own line."""
    planted = tmp_path / "planted.sql"
    planted.write_text(
        "{% macro a_query(relation) %}\n"
        "    SELECT id from {{ relation }}\n"
        "{% endmacro %}\n"
        "\n"
        "{% macro an_expression(column) -%}\n"
        "    COALESCE({{ column }}, 0)\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro a_cte_list() %}\n"
        "first_cte as (\n"
        "\n"
        "    select 1 as one from source_table\n"
        "\n"
        "),\n"
        "\n"
        "second_cte as (\n"
        "\n"
        "    select one from first_cte\n"
        "\n"
        ")\n"
        "{% endmacro %}\n"
        "\n"
        "{% macro a_join(relation) -%}\n"
        "    left join {{ relation }} as joined on joined.id = Other.id\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro a_statement(relation) -%}\n"
        "    create table {{ relation }} as (select 1 as one , 2 as two)\n"
        "{%- endmacro %}\n"
    )
    proc = run_macro_lint(str(planted))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    reported = {
        (line.split(":")[1], line.split(":")[3].split()[0])
        for line in proc.stdout.splitlines()
        if line.startswith(str(planted))
    }
    assert ("2", "CP01") in reported, proc.stdout  # upper-case keyword in a query
    assert ("6", "CP03") in reported, proc.stdout  # upper-case function in an expression
    assert not [line for line, _ in reported if 9 <= int(line) <= 21], proc.stdout  # a clean CTE list passes
    assert ("24", "CP02") in reported, proc.stdout  # a mixed-case identifier in a join
    assert ("28", "LT01") in reported, proc.stdout  # a space before a comma in a statement
