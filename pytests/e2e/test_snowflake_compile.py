"""The project compiles for a real Snowflake target without a connection, and the SQL is Snowflake's.

`dbt compile --target snowflake --no-introspect --no-populate-cache` with placeholder credentials:
no macro may query the warehouse while compiling. Every compiled model and test must then parse
in sqlfluff's snowflake dialect, and no engine-specific SQL may appear outside the dispatched
macros (macros/cross_db).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import sqlfluff

from pytests.dbt_runner import PROJECT_ROOT, run_dbt

pytestmark = pytest.mark.snowflake

# Placeholders only: the compile must not need a real account (an attempt to connect would fail).
OFFLINE_ENV = {
    "SNOWFLAKE_ACCOUNT": "offline-placeholder",
    "SNOWFLAKE_USER": "placeholder",
    "SNOWFLAKE_PASSWORD": "placeholder",
    "SNOWFLAKE_PRIVATE_KEY_PATH": "",
    "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "",
    "SNOWFLAKE_ROLE": "TRANSFORMER",
    "SNOWFLAKE_WAREHOUSE": "TRANSFORMING",
    "SNOWFLAKE_DATABASE": "ANALYTICS",
    "SNOWFLAKE_SCHEMA": "copilot_governance",
    "PILOT_RAW_DATABASE": "RAW",
    "PILOT_RAW_SCHEMA": "ZENDESK_COPILOT",
}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    work = tmp_path_factory.mktemp("snowflake_compile")
    result = run_dbt(
        ["compile", "--no-introspect", "--no-populate-cache"],
        work / "unused.duckdb",
        work,
        target="snowflake",
        extra_env=OFFLINE_ENV,
        timeout=300,
    )
    manifest_path = work / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    return result, manifest, work


def test_compiles_for_snowflake_offline(compiled):
    result, manifest, _ = compiled
    assert result.returncode == 0, result.output[-6000:]
    assert manifest is not None
    assert manifest["metadata"]["adapter_type"] == "snowflake"


def _compiled_nodes(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "test", "analysis") and node["package_name"] == "copilot_governance"
    ]


def test_every_model_is_compiled_with_snowflake_relations(compiled):
    result, manifest, work = compiled
    assert result.returncode == 0, result.output[-3000:]
    models = [n for n in _compiled_nodes(manifest) if n["resource_type"] == "model"]
    assert models, "no model compiled"
    for node in models:
        sql = _compiled_sql(node, work)
        assert sql.strip(), f"{node['unique_id']}: empty compiled SQL"
    # The raw tables come from the database and schema named by the env vars.
    base = next(n for n in models if n["name"] == "base_copilot__ticket_outcomes")
    assert "RAW.ZENDESK_COPILOT.zs_ticket_outcomes".lower() in _compiled_sql(base, work).lower()


def _compiled_sql(node: dict, work: Path) -> str:
    """The compiled SQL of a node, as dbt wrote it under the target path."""
    path = Path(node.get("compiled_path") or "")
    if not path.is_absolute():
        path = work / "target" / "compiled" / node["package_name"] / node["original_file_path"]
    assert path.is_file(), f"{node['unique_id']}: no compiled file at {path}"
    text = path.read_text()
    assert text == node["compiled_code"], f"{node['unique_id']}: compiled file differs from the manifest"
    return text


def _parse_error(item: tuple[str, str]) -> str | None:
    unique_id, sql = item
    try:
        sqlfluff.parse(sql, dialect="snowflake")
    except Exception as exc:  # sqlfluff's APIParsingError lists every unparsable segment
        return f"{unique_id}: {str(exc)[:500]}"
    return None


def test_every_compiled_node_parses_in_snowflake_dialect(compiled):
    result, manifest, work = compiled
    assert result.returncode == 0, result.output[-3000:]
    items = [(node["unique_id"], _compiled_sql(node, work)) for node in _compiled_nodes(manifest)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        failures = [error for error in pool.map(_parse_error, items, chunksize=16) if error]
    assert failures == [], "\n".join(failures)


def test_emulator_workarounds_are_inactive_on_the_snowflake_target(tmp_path):
    result = run_dbt(
        [
            "compile",
            "--no-introspect",
            "--no-populate-cache",
            "--inline",
            "select '{{ is_snowflake_emulator() }}' as emulator",
        ],
        tmp_path / "unused.duckdb",
        tmp_path,
        target="snowflake",
        extra_env=OFFLINE_ENV,
        timeout=300,
    )
    assert result.returncode == 0, result.output[-3000:]
    assert "select 'False' as emulator" in result.output


# DuckDB- or Snowflake-only SQL that belongs in a dispatched macro (macros/cross_db), never in a
# model, a test or a macro of one engine's syntax. Each entry: (pattern, what to use instead).
ENGINE_SPECIFIC = [
    (r"::", "cast(x as type) / dbt.type_*()"),
    (r"\bcount_if\s*\(", "sum(case when ... then 1 else 0 end)"),
    (
        r"\b(quantile|quantile_cont|quantile_disc|approx_quantile|percentile_cont|percentile_disc)\s*\(",
        "a dispatched percentile macro",
    ),
    (r"\bmedian\s*\(", "a dispatched percentile macro"),
    (r"\bepoch(_ms|_us|_ns)?\s*\(", "dbt.datediff / a dispatched macro"),
    (r"\bfilter\s*\(\s*where\b", "case when inside the aggregate"),
    (r"\b(list|array)_?(agg|value|contains|distinct|slice)\s*\(", "a dispatched aggregation macro"),
    (r"\b(string_agg|listagg|group_concat)\s*\(", "a dispatched string aggregation macro"),
    (r"\bstruct_pack\s*\(|\bobject_construct\s*\(", "plain columns"),
    (r"\bregexp_\w+\s*\(|\brlike\b|\bregexp\b", "a dispatched regular-expression macro"),
    (r"\b(bool_or|bool_and|boolor_agg|booland_agg|logical_or|logical_and)\s*\(", "dbt.bool_or / a dispatched macro"),
    (
        r"\b(date_add|date_sub|date_diff|dateadd|datediff|timestampadd|timestampdiff|date_part)\s*\(",
        "dbt.dateadd / dbt.datediff / dbt.date_trunc",
    ),
    (r"\binterval\s+'?\d", "dbt.dateadd"),
    (r"\b(strftime|strptime|to_char|to_varchar|try_to_\w+)\s*\(", "a dispatched formatting macro"),
    (r"\b(md5|sha1|sha256|sha2|hash)\s*\(", "dbt.hash"),
    (r"\b(arg_max|arg_min|max_by|min_by)\s*\(", "row_number() over (...)"),
    (r"\b(iff|nvl|nvl2|ifnull|zeroifnull|nullifzero|div0|div0null)\s*\(", "case / coalesce / safe_divide"),
    (r"\bgenerate_series\s*\(|\brange\s*\(|\bgenerator\s*\(", "a dispatched date spine macro"),
    (r"\bunnest\s*\(|\blateral\s+flatten\b", "a dispatched macro"),
    (r"\bcurrent_timestamp\s*\(\s*\)|\bnow\s*\(\s*\)|\bgetdate\s*\(|\bsysdate\s*\(", "dbt.current_timestamp()"),
]
# Files that hold the per-engine implementations.
DISPATCH_DIRS = ("macros/cross_db/", "macros/emulator/")


def _sql_only(text: str) -> str:
    """The SQL text of a file: without Jinja (comments, tags, expressions), SQL comments and literals."""
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "", text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"--[^\n]*", "", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)  # string literals (rule codes, labels)


def _sql_sources() -> list[Path]:
    files = []
    for folder in ("models", "tests", "analyses", "snapshots", "macros"):
        files += sorted((PROJECT_ROOT / folder).rglob("*.sql"))
    return [f for f in files if not f.relative_to(PROJECT_ROOT).as_posix().startswith(DISPATCH_DIRS)]


def test_no_engine_specific_sql_outside_dispatched_macros():
    found = []
    for path in _sql_sources():
        raw = path.read_text()
        if re.search(r"\{%-?\s*macro\s+(duckdb|snowflake)__", raw):
            continue  # holds the per-engine implementations of a dispatched macro
        text = _sql_only(raw)
        for pattern, instead in ENGINE_SPECIFIC:
            for match in re.finditer(pattern, text, flags=re.I):
                line = text[: match.start()].count("\n") + 1
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {match.group(0)!r}; use {instead}")
    assert found == [], "\n".join(found)


def test_only_the_marts_are_granted_to_the_analyst_role(compiled):
    result, manifest, _ = compiled
    assert result.returncode == 0, result.output[-3000:]
    analyst = "ANALYST"  # PILOT_ANALYST_ROLE's default
    wrong = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed") or node["package_name"] != "copilot_governance":
            continue
        readers = {r.upper() for r in (node["config"].get("grants") or {}).get("select", [])}
        if node["resource_type"] == "model" and node["schema"] == "marts":
            if analyst not in readers:
                wrong.append(f"{node['name']} (marts) is not granted to {analyst}")
        elif analyst in readers:
            wrong.append(f"{node['name']} ({node['schema']}) is granted to {analyst}")
    assert wrong == [], "\n".join(wrong)


def test_tables_are_transient_unless_they_keep_history_and_every_model_is_tagged(compiled):
    result, manifest, _ = compiled
    assert result.returncode == 0, result.output[-3000:]
    wrong = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "copilot_governance":
            continue
        config = node["config"]
        if not str(config.get("query_tag") or "").startswith("copilot_governance"):
            wrong.append(f"{node['name']}: query_tag {config.get('query_tag')!r}")
        if config["materialized"] == "table" and config.get("transient") is False:
            wrong.append(f"{node['name']}: a rebuilt table need not be permanent (transient: false)")
        # history the raw tables cannot rebuild (full_refresh: false) is permanent; an incremental
        # model --full-refresh rebuilds from raw (the base models) is as transient as a table
        keeps_history = config["materialized"] == "incremental" and config.get("full_refresh") is False
        if keeps_history and config.get("transient") is not False:
            wrong.append(f"{node['name']}: incremental history should be permanent (transient: false)")
        if config["materialized"] == "incremental" and not keeps_history and config.get("transient") is False:
            wrong.append(f"{node['name']}: an incremental model rebuilt from raw need not be permanent")
    assert wrong == [], "\n".join(wrong)
