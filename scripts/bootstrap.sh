#!/usr/bin/env bash
# Creates .venv with the exact versions of requirements.lock and the project package,
# and ./profiles.yml from profiles.example.yml when it does not exist. Idempotent: a
# second run only checks. Used by scripts/setup.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.installed-lock"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python 3.11 (or set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "error: Python 3.11 is required (found $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi

lock_hash="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_hash" ]; then
  echo "==> installing pinned dependencies (requirements.lock); about a minute on a fresh machine"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
  "$VENV/bin/python" -m pip check
  echo "$lock_hash" > "$STAMP"
else
  echo "==> dependencies up to date ($VENV)"
fi

if [ ! -f profiles.yml ]; then
  echo "==> writing profiles.yml from profiles.example.yml (settings come from env vars)"
  cp profiles.example.yml profiles.yml
fi
