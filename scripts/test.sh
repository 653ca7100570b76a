#!/usr/bin/env bash
# The README's second command: the whole test suite (lint, generator unit tests, dbt unit
# and data tests, end-to-end tests). Installs what it needs first. Exit code 0 = all green.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "==> ruff (Python lint and format)"
ruff check src pytests scripts
ruff format --check src pytests scripts

echo "==> pytest (generator unit tests, sqlfluff, dbt build + unit tests, end-to-end tests)"
pytest "$@"
