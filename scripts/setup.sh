#!/usr/bin/env bash
# Sets up a fresh Debian machine with Node 20 and npm for this repository:
# Debian packages (when root), pnpm, the npm dependencies, and a build of every package.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none)). Install Node 20 and run again."
  exit 1
fi

# 1. Debian packages
mapfile -t wanted < <(grep -v -E '^\s*(#|$)' scripts/debian-packages.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif [ "${LAM_SKIP_APT:-0}" = "1" ]; then
    say "LAM_SKIP_APT=1: not installing ${missing[*]}; tests that need them will fail."
  else
    say "These Debian packages are missing: ${missing[*]}"
    say "Run this script as root (sudo bash $0) to install them, or install them yourself:"
    say "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
    say "(set LAM_SKIP_APT=1 to go on without them)"
    exit 1
  fi
fi

# 2. pnpm, at the version the repository pins
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing pnpm $PNPM_VERSION globally"
    npm install -g --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null 2>&1
  else
    say "installing pnpm $PNPM_VERSION into .tools/"
    npm install --prefix .tools --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null 2>&1
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
fi

# 3. The training stack (Python): a virtual environment inside the repository, pinned and hashed
# (training/requirements.txt; PyPI's torch brings its CUDA libraries: about 6 GB, 2 minutes the first time).
# Reinstalled only when requirements.txt changes. LAM_SKIP_TRAINING=1 skips it (lam train and pytest need it).
if [ "${LAM_SKIP_TRAINING:-0}" != "1" ]; then
  venv=training/.venv
  python=${LAM_PYTHON:-python3}
  stamp=$(sha256sum training/requirements.txt training/pyproject.toml | sha256sum | cut -c1-16)
  if [ "$(cat "$venv/.installed" 2>/dev/null || true)" != "$stamp" ]; then
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      say "Python 3.11 is required for training/ (found: $("$python" --version 2>&1 || echo none)); set LAM_PYTHON to a python3.11, or LAM_SKIP_TRAINING=1 to go on without it."
      exit 1
    fi
    say "installing the training stack into $venv (torch, transformers, trl, optimum, onnxruntime; pinned and hashed)"
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r training/requirements.txt
    echo "$stamp" > "$venv/.installed"
  fi
fi

# 4. npm dependencies and the build
say "installing npm dependencies (pnpm $(pnpm --version))"
pnpm install --frozen-lockfile --reporter=silent
say "building every package"
pnpm turbo run build --output-logs=errors-only
