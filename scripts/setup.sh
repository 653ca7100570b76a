#!/usr/bin/env bash
# The README's first command: on a fresh machine, installs everything, generates the demo
# pilot data into a DuckDB file and builds the warehouse with `dbt build`.
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

# The nightly's production build: unit tests belong to CI (scripts/test.sh), so a problem in your
# data never reads as a fixture problem. The pre-flight (on-run-start) checks the load first.
echo "==> dbt build on DuckDB ($PILOT_DUCKDB_PATH)"
.venv/bin/dbt build --target duckdb --exclude resource_type:unit_test
echo "==> done: the warehouse is $PILOT_DUCKDB_PATH (schemas staging, intermediate, marts, audit, config). Try:"
echo "    .venv/bin/python -c \"import duckdb; print(duckdb.connect('$PILOT_DUCKDB_PATH', read_only=True).sql('select * from audit.load_reconciliation'))\""
