#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs everything, generates the demo
# pilot data into a DuckDB file and runs the nightly on it (copilot-governance nightly).
#   PILOT_DUCKDB_PATH   the DuckDB file (default data/pilot.duckdb)
#   PILOT_SKIP_GENERATE=1  keep the raw tables already in that file (your own data)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# An absolute path, so dbt (which resolves a relative one against the project) and the CLI agree.
export PILOT_DUCKDB_PATH="$(python3 -c 'import os, sys; print(os.path.abspath(sys.argv[1]))' "${PILOT_DUCKDB_PATH:-data/pilot.duckdb}")"
mkdir -p "$(dirname "$PILOT_DUCKDB_PATH")"

if [ "${PILOT_SKIP_GENERATE:-0}" != "1" ]; then
  # The demo data follows the committed pilot configuration: from the default pilot's baseline
  # start to yesterday (UTC), with the copilot arm from its pilot start.
  echo "==> generating demo pilot data into $PILOT_DUCKDB_PATH (schema raw)"
  .venv/bin/copilot-governance generate --db "$PILOT_DUCKDB_PATH" --pilot-config seeds/pilot/pilots.csv
fi

# The main job is the nightly: pre-flight of the load, the production dbt build (selector nightly:
# unit tests belong to CI, scripts/test.sh), publish the serving file BI tools read, and the daily
# brief (written to files here; sent to Slack when SLACK_WEBHOOK_URL is set and --no-send is dropped).
echo "==> the nightly on DuckDB ($PILOT_DUCKDB_PATH): pre-flight, dbt build, publish, brief"
status=0
.venv/bin/copilot-governance nightly --target duckdb --db "$PILOT_DUCKDB_PATH" --no-send || status=$?
SERVING="${PILOT_SERVING_DUCKDB_PATH:-${PILOT_DUCKDB_PATH%.duckdb}.serving.duckdb}"
echo "==> done: the warehouse is $PILOT_DUCKDB_PATH (schemas staging, intermediate, marts, audit, config);"
echo "    BI tools read $SERVING; the brief is in $(dirname "$PILOT_DUCKDB_PATH")/briefs/. Try:"
echo "    .venv/bin/python -c \"import duckdb; print(duckdb.connect('$SERVING', read_only=True).sql('select * from marts.pilot_go_no_go'))\""
if [ "$status" != 0 ]; then
  echo "==> the nightly exited $status (see its summary above and the README's exit codes)"
fi
exit "$status"
