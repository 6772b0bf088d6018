"""Admin login throttling with django-axes, fitted to this site.

Only logins that come with a web request are counted and can be refused: the
shell, management commands and the test client's ``login()`` authenticate
without one, and django-axes' own backend would raise for them.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class WebLoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out web login; lets the next backend check the password."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client's address: the peer, or the entry added by the last trusted proxy.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry from
    the right; entries further left were written by the client and are ignored.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
