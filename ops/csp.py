"""django-csp's middleware, with the site-wide policy built once instead of per response."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Set on a response by django-csp's view decorators: its policy is its own.
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class PrebuiltCSPMiddleware(CSPMiddleware):
    """Sets the same Content-Security-Policy header as ``csp.middleware.CSPMiddleware``.

    django-csp rebuilds the policy string from settings for every response
    (about a sixth of a page-cache hit's CPU). When nothing can make this
    response's policy differ from the settings' -- no nonce used, no
    ``@csp_update`` / ``@csp_replace`` / ``@csp_exempt`` on the view, no
    report-only policy, no excluded prefixes -- the string is built once (by
    django-csp's own ``build_policy``) and reused. Anything else goes through
    django-csp's code unchanged.
    """

    _policy = None

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        if PrebuiltCSPMiddleware._policy is None:
            PrebuiltCSPMiddleware._policy = build_policy()
        if PrebuiltCSPMiddleware._policy and HEADER not in response:
            response[HEADER] = PrebuiltCSPMiddleware._policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _forget_policy(setting, **kwargs):
    # Tests may change the policy with override_settings.
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        PrebuiltCSPMiddleware._policy = None
