#!/usr/bin/env bash
# Set everything up on the embedded SQLite database and serve the site with demo
# content (and the Jekyll archive sample from ../shared/corpus when it is there)
# at http://127.0.0.1:8000/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py seed_demo
# The real archive sample, when it sits beside the project: imported quietly so
# the site shows real posts and old URLs. Re-runs are cheap (unchanged files are
# skipped), so this also picks up posts added since the last start.
archive=${FINEWS_JEKYLL_ARCHIVE:-../shared/corpus/finews-jekyll}
if [ -d "$archive/_posts" ]; then
  $py manage.py import_jekyll "$archive" --quiet ||
    echo "Some posts of $archive could not be imported (listed above); serving the rest." >&2
fi
# A local-only editor account so the admin can be tried at once.
DJANGO_SUPERUSER_PASSWORD=${FINEWS_ADMIN_PASSWORD:-finews-admin} \
  $py manage.py ensure_admin --username "${FINEWS_ADMIN_USER:-admin}"
echo
echo "finews is at http://127.0.0.1:8000/ - the admin at http://127.0.0.1:8000/admin/"
echo "(user ${FINEWS_ADMIN_USER:-admin}, password ${FINEWS_ADMIN_PASSWORD:-finews-admin})"
exec $py manage.py runserver "${FINEWS_ADDR:-127.0.0.1:8000}"
