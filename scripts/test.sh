#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs every check: lint and format, types, and all tests.
# Each package's test run leaves a vitest JSON report in <package>/.reports/vitest.json.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
[ -x .tools/node_modules/.bin/pnpm ] && export PATH="$PWD/.tools/node_modules/.bin:$PATH"

status=0
echo "[test] lint and format (biome)" >&2
pnpm biome ci . || status=1
echo "[test] types" >&2
pnpm turbo run typecheck --output-logs=errors-only || status=1
echo "[test] tests" >&2
pnpm turbo run test --continue --concurrency=1 || status=1
echo "[test] training (pytest)" >&2
if [ -x training/.venv/bin/python ]; then
  mkdir -p training/.reports
  (cd training && .venv/bin/python -m pytest -p no:cacheprovider --junitxml=.reports/pytest.xml) || status=1
else
  echo "[test] training/.venv is missing (LAM_SKIP_TRAINING=1?): the training tests did not run" >&2
  status=1
fi
exit $status
