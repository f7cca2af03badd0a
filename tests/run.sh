#!/usr/bin/env bash
# The whole test suite, runnable on a fresh machine: it installs what it needs.
#   bash tests/run.sh              lint, verify every lesson, unit and browser tests
#   bash tests/run.sh -k micro     extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# A Chromium for Playwright: its own if installed, else the system's (Debian's
# package, installed here if missing), else Playwright's download.
has_playwright_chromium() {
  .venv/bin/python - <<'PY'
import os, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if os.path.exists(p.chromium.executable_path) else 1)
PY
}
if ! has_playwright_chromium && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if command -v apt-get >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
  else
    .venv/bin/python -m playwright install chromium
  fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python build.py check --strict
.venv/bin/python -m pytest "$@"
