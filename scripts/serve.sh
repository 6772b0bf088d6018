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
exec $py manage.py runserver "$addr"
