#!/usr/bin/env bash
# The whole test suite: Swift tests on SQLite and PostgreSQL, then the browser and command-line
# tests in a real headless Chromium. Installs what it needs (Debian packages, a Python venv).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive TMPDIR=/var/tmp
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== starting PostgreSQL"
source scripts/postgres.sh start
trap 'scripts/postgres.sh stop' EXIT
# Tests that need PostgreSQL fail (not skip) when it is missing under CI.
export CI="${CI:-true}"

echo "== building"
swift build --build-tests

echo "== Swift tests (SQLite and PostgreSQL)"
swift test --skip-build

echo "== browser and command-line tests"
if [ ! -x .venv/bin/pytest ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check selenium axe-selenium-python openapi-spec-validator pytest jsonschema fhir.resources schemathesis pyjwt cryptography pypdf openpyxl phonenumbers
.venv/bin/pytest -q browser-tests
