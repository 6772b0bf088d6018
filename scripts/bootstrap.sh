#!/usr/bin/env bash
# Create .venv and install the project's dependencies at the versions pinned in
# requirements.lock (made from pyproject.toml's ranges by `make lock`), then the
# project itself without dependencies. Re-runs are cheap: a stamp of
# pyproject.toml and requirements.lock decides whether pip has anything to do.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info < (3, 14))'; then
      echo "$candidate"
      return
    fi
  done
  echo "finews needs Python 3.11-3.13 (set PYTHON=/path/to/python3.11)." >&2
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  py=$(pick_python)
  echo "Creating .venv with $($py --version)"
  "$py" -m venv .venv || {
    echo "Could not create a virtual environment; on Debian: apt-get install python3-venv" >&2
    exit 1
  }
fi

stamp=.venv/.finews-deps
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing dependencies into .venv (pinned in requirements.lock)"
  pip=(.venv/bin/python -m pip --disable-pip-version-check)
  "${pip[@]}" install --upgrade pip
  "${pip[@]}" install --requirement requirements.lock
  "${pip[@]}" install --no-deps .
  echo "$want" >"$stamp"
fi
