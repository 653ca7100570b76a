"""The emulator's MERGE workaround (macros/emulator) keeps MERGE's result.

The project's own incremental model uses delete+insert, so the default incremental strategy of
dbt-snowflake (MERGE, which fakesnow cannot run) is exercised here on a probe model: a copy of the
project's dbt_project.yml and macros plus one incremental model with a unique key that reads
`{{ this }}`. Two runs must leave each key once, with the second run's values.
"""

from __future__ import annotations

import json
import shutil

import pytest

from pytests.dbt_runner import PROJECT_ROOT, ensure_profiles
from pytests.snowflake_emulator import run_stage

pytestmark = [pytest.mark.e2e, pytest.mark.snowflake]

PROBE_MODEL = """
{{ config(materialized='incremental', unique_key='probe_key', schema='marts') }}

with

{% if is_incremental() %}
previous as (

    select max(run_number) as run_number from {{ this }}

),
{% endif %}

keys as (

    select 1 as probe_key
    union all
    select 2 as probe_key
    {% if is_incremental() %}
    union all
    select 3 as probe_key
    {% endif %}

),

final as (

    select
        keys.probe_key,
        {% if is_incremental() %}previous.run_number + 1{% else %}1{% endif %} as run_number
    from keys
    {% if is_incremental() %}cross join previous{% endif %}

)

select * from final
"""


def test_default_incremental_strategy_upserts_on_the_emulator(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT_ROOT / "dbt_project.yml", project / "dbt_project.yml")
    ensure_profiles(project)
    shutil.copytree(PROJECT_ROOT / "macros", project / "macros")
    (project / "models").mkdir()
    (project / "models" / "emulator_merge_probe.sql").write_text(PROBE_MODEL)

    state_dir, work = tmp_path / "fakesnow", tmp_path / "work"
    dirs = ["--project-dir", str(project), "--profiles-dir", str(project)]
    for run in (1, 2):
        result = run_stage(state_dir, ["dbt", "run", *dirs], work, timeout=300)
        assert result.returncode == 0, f"run {run}:\n{result.output[-4000:]}"
    log = (work / "logs" / "dbt.log").read_text().lower()
    assert "delete from" in log, "the second run did not take the incremental path"
    assert "merge into" not in log, "MERGE reached the emulator"

    manifest = work / "target" / "manifest.json"
    out = tmp_path / "out"
    exported = run_stage(state_dir, ["export", "--manifest", str(manifest), "--out", str(out)], work, timeout=300)
    assert exported.returncode == 0, exported.output[-4000:]
    rows = sorted(json.loads((out / "emulator_merge_probe.json").read_text())["rows"])
    # MERGE's result: keys 1 and 2 updated by run 2 (not duplicated), key 3 inserted.
    assert rows == [[1.0, 2.0], [2.0, 2.0], [3.0, 2.0]]
