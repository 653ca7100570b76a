#!/usr/bin/env bash
# The README's second command: the whole test suite (lint, generator unit tests, dbt unit
# and data tests, end-to-end tests, the reports in headless Chromium). Installs what it needs first
# (Python packages; Debian's chromium and chromium-driver where missing). Exit code 0 = all green.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"

# The report's browser tests drive Debian's Chromium with its driver (issue 12); install them where missing.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "==> installing Chromium and ChromeDriver (Debian packages chromium, chromium-driver) for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null
fi

echo "==> ruff (Python lint and format)"
ruff check src pytests scripts
ruff format --check src pytests scripts

echo "==> pytest (generator unit tests, sqlfluff, dbt build + unit tests, end-to-end tests)"
# Two workers (pytest-xdist); pytests/conftest.py keeps each module, and the modules sharing a
# session fixture, in one worker.
pytest -n "${PYTEST_WORKERS:-2}" "$@"
