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
exit $status
