#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium and CJK fonts (browser tests),
# PostgreSQL server binaries, redis-server and wrk (tests/ops/test_processes.py starts
# its own PostgreSQL cluster, Redis and gunicorn; bench/load.py uses wrk), and the
# RUM index extension for each installed PostgreSQL (search's newest matches;
# docs/SEARCH.md, "The RUM index").
# Installed only when missing; needs root (CI runs as root).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
install() {
  echo "Installing: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ${#need[@]} -gt 0 ]; then install "${need[@]}"; fi
# After the server packages: one RUM package per installed PostgreSQL major version.
need=()
for bin in /usr/lib/postgresql/*/bin; do
  [ -d "$bin" ] || continue
  major=$(basename "$(dirname "$bin")")
  [ -f "/usr/share/postgresql/$major/extension/rum.control" ] || need+=("postgresql-$major-rum")
done
if [ ${#need[@]} -gt 0 ]; then install "${need[@]}"; fi
