"""WSGI entry point: ``gunicorn finews.wsgi`` (see finews/gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")

application = get_wsgi_application()
