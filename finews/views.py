"""Error handlers that render the site's own pages without touching the database."""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError
from django.template import loader


def _render(template_name, response_class):
    def handler(request, *args, **kwargs):
        body = loader.get_template(template_name).render({"SITE_NAME": settings.SITE_NAME})
        return response_class(body)

    return handler


bad_request = _render("400.html", HttpResponseBadRequest)
permission_denied = _render("403.html", HttpResponseForbidden)
server_error = _render("500.html", HttpResponseServerError)
