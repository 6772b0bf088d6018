from django import template
from django.utils.html import format_html

from articles import metadata

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL without query string, except a page number past 1."""
    request = context.get("request")
    if request is None:  # a template rendered outside a request: no canonical link
        return ""
    path = request.path
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        path = f"{path}?page={page_obj.number}"
    return metadata.absolute_url(request, path)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return metadata.absolute_url(context["request"], path)


@register.simple_tag
def json_ld(data):
    """A JSON-LD <script> element for ``data``; nothing inside can close it."""
    if not data:
        return ""
    return metadata.json_ld_script(data)


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, crumbs):
    if not crumbs:
        return ""
    return metadata.json_ld_script(metadata.breadcrumb_json_ld(context["request"], crumbs))


@register.filter
def iso_beijing(moment):
    """A timestamp as ISO 8601 in Beijing time, to the second, with +08:00."""
    if not moment:
        return ""
    return metadata.beijing_iso(moment)


@register.simple_tag
def live_list_attrs(live, show_category=True):
    """The data attributes that let static/js/live.js update a listing (none without ``live``)."""
    if not live:
        return ""
    return format_html(
        ' data-live-url="{}" data-live-since="{}" data-live-after-id="{}" data-live-poll="{}"'
        ' data-live-show-category="{}"',
        live["url"],
        live["since"],
        live["after_id"],
        live["poll_seconds"],
        "true" if show_category else "false",
    )
