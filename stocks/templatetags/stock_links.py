from django import template
from django.utils.safestring import mark_safe

from stocks.bodylinks import link_first_mentions

register = template.Library()


@register.filter
def link_securities(article):
    """The article's sanitized body with its securities' first mentions linked."""
    # The body passed the one sanitizer when it was saved; only text nodes change here.
    return mark_safe(link_first_mentions(article.body, article.mentioned_securities()))  # noqa: S308
