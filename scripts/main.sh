#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -x .tools/node_modules/.bin/pnpm ] && export PATH="$PWD/.tools/node_modules/.bin:$PATH"
node examples/main.mjs "$@"
