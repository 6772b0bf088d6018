"""WSGI entry point: ``gunicorn finews.wsgi`` (see finews/gunicorn.conf.py).

The read beacon (``POST /hot/beacon/``, hot/beacon.py) is answered in front
of Django: it is most of the requests and needs none of the middleware.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finews.settings")

application = get_wsgi_application()

from hot.beacon import in_front_of  # noqa: E402 (needs the apps loaded above)

application = in_front_of(application)
