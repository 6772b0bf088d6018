#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
