#!/usr/bin/env bash
# Set everything up on the embedded SQLite database and serve the site at
# FINEWS_ADDR (default 127.0.0.1:8000): the Jekyll archive sample from
# ../shared/corpus (FINEWS_JEKYLL_ARCHIVE) when it is there, else a dozen
# demo articles under made-up publications. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

py=.venv/bin/python
addr=${FINEWS_ADDR:-127.0.0.1:8000}
case $addr in
  *:*) ;;
  *) addr=127.0.0.1:$addr ;; # runserver takes a bare port too
esac
$py manage.py migrate --noinput
# The real archive sample, when it sits beside the project: the site then shows
# only real posts (no demo articles). Re-runs are cheap (unchanged files are
# skipped), so this also picks up posts added since the last start.
archive=${FINEWS_JEKYLL_ARCHIVE:-../shared/corpus/finews-jekyll}
if [ -d "$archive/_posts" ]; then
  echo "Importing the archive sample from $archive ..."
  $py manage.py import_jekyll "$archive" --quiet ||
    echo "Some posts of $archive could not be imported (listed above); serving the rest." >&2
  count=$($py manage.py shell -v 0 -c \
    "from jekyll.models import ImportedPost as P; print(P.objects.filter(duplicate=False, article__isnull=False).count())")
  echo "Imported $count posts of the archive sample (no demo articles added)."
else
  echo "No archive sample at $archive (set FINEWS_JEKYLL_ARCHIVE); adding demo articles."
  $py manage.py seed_demo
fi
# A local-only editor account so the admin can be tried at once.
DJANGO_SUPERUSER_PASSWORD=${FINEWS_ADMIN_PASSWORD:-finews-admin} \
  $py manage.py ensure_admin --username "${FINEWS_ADMIN_USER:-admin}"
echo
admin_path=${ADMIN_PATH:-admin/}
admin_path=${admin_path#/}
echo "finews is at http://$addr/ - the admin at http://$addr/${admin_path%/}/"
echo "(user ${FINEWS_ADMIN_USER:-admin}, password ${FINEWS_ADMIN_PASSWORD:-finews-admin})"
# One task worker (django-q2, the database as its queue) polls the sources on
# their schedule. None is configured by default, so nothing is fetched from the
# internet until an editor adds a source. Stopped with the server.
echo "A task worker polls the sources (manage.py qcluster); add one in the admin under 订阅来源."
$py manage.py qcluster &
worker=$!
stop_worker() {
  kill "$worker" 2>/dev/null || return 0
  # qcluster finishes the task in hand; it can hang on stop (django-q2 issue 346),
  # so it gets 10 s before KILL (a poll cut short is safe: its claim expires).
  for _ in $(seq 20); do
    kill -0 "$worker" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM
$py manage.py runserver "$addr"
