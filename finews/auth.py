"""Admin login throttling with django-axes, fitted to this site.

Only logins that come with a web request are counted and can be refused: the
shell, management commands and the test client's ``login()`` authenticate
without one, and django-axes' own backend would raise for them.

Two limits (docs/DEPLOY.md): AXES_FAILURE_LIMIT failures for one user name from
one address lock that pair; AXES_ADDRESS_FAILURE_LIMIT failures from one
address, whatever the user names, lock the address.
"""

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum

log = logging.getLogger("axes")


class WebLoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out web login; lets the next backend check the password."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler plus a lock on an address trying many user names.

    The pair limit alone never stops one address guessing a few passwords for
    each of many user names; a single, low limit per address would lock a
    whole newsroom behind one NAT after a few typos. So the address gets its
    own, higher limit, counted over the same attempt records within the same
    cool-off time.
    """

    def address_failures(self, request):
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_locked(self, request):
        return self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.address_locked(request):
            return
        log.warning(
            "AXES: Locking out address %s after failures for many user names.",
            request.axes_ip_address,
        )
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


def _is_ip(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request):
    """The client's address: the peer, or the entry added by the last trusted proxy.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry from
    the right; entries further left were written by the client and are ignored.
    An entry that is not an IP address (a client reaching gunicorn directly can
    send anything) is not believed: the peer address is used instead.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count and _is_ip(forwarded[-count]):
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
