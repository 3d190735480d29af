#!/usr/bin/env bash
# Regenerates training/requirements.txt: the exact versions and sha256 hashes of the training stack that
# pip resolves for training/pyproject.toml's direct dependencies (and its test extra) on this platform.
# Run it after changing a version in training/pyproject.toml, then run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/../training"
python=${LAM_PYTHON:-python3}
mapfile -t deps < <("$python" - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["test"]))
PY
)
report=$(mktemp)
"$python" -m pip install --dry-run --ignore-installed --quiet --report "$report" "${deps[@]}"
"$python" - "$report" > requirements.txt <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
print("# The training stack, pinned with hashes (Linux x86-64, CPython 3.11), made by scripts/pin-training.sh")
print("# from training/pyproject.toml. scripts/setup.sh installs it with pip install --require-hashes.")
for item in sorted(report["install"], key=lambda i: i["metadata"]["name"].lower()):
    meta, digest = item["metadata"], item["download_info"]["archive_info"]["hashes"]["sha256"]
    print(f"{meta['name']}=={meta['version']} \\\n    --hash=sha256:{digest}")
PY
rm -f "$report"
echo "training/requirements.txt: $(grep -c -- '--hash' requirements.txt) pinned packages" >&2
