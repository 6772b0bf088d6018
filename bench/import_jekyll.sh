#!/usr/bin/env bash
# Benchmark import_jekyll on PostgreSQL: a full import of N generated posts into a
# fresh database, a re-run with nothing changed, and one with 50 new + 50 changed.
# Usage: bench/import_jekyll.sh [N]   (default 100000; needs root only for --cold)
#   BENCH_DB   database name (default finews_importer_bench; it is dropped and re-created)
#   COLD=1     drop the page cache before the full import (root)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
db=${BENCH_DB:-finews_importer_bench}
archive=bench/results/jekyll-$n
py=.venv/bin/python
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db

$py bench/make_jekyll_archive.py "$archive" -n "$n"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
$py manage.py migrate -v0
if [ "${COLD:-0}" = 1 ]; then sync && echo 3 >/proc/sys/vm/drop_caches; fi
echo "== full import (load: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "wall %e s, max RSS %M KB" $py manage.py import_jekyll "$archive"
echo "== re-run, nothing changed"
/usr/bin/time -f "wall %e s" $py manage.py import_jekyll "$archive" | head -1
$py bench/make_jekyll_archive.py "$archive" --grow 50 --modify 50
echo "== re-run, 50 new + 50 changed (load: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "wall %e s, max RSS %M KB" $py manage.py import_jekyll "$archive"
