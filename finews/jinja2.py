"""The reader pages' template engine: Jinja2, rendering what Django's engine rendered.

settings.TEMPLATES lists this engine first, for the templates in
``templates/jinja2/``: every page a reader sees, the error pages included.
Django's own engine keeps the rest of ``templates/`` (the admin's overrides,
the sitemaps) and the apps' templates.
Jinja2 compiles a template to Python once per process and renders it without
Django's per-node work (variable resolution, ``render_annotated``, includes),
which was about a third of an article page's CPU and nearly half a list page's.

The HTML is byte for byte what Django's templates produced
(tests/articles/test_reference_html.py):

- every ``{{ value }}`` goes through ``finalize``, Django's own rendering of a
  value (local time, localized numbers, ``conditional_escape``: ``&#x27;`` and
  ``&quot;``, where markupsafe alone writes ``&#39;`` and ``&#34;``);
- ``keep_trailing_newline`` and no block trimming: whitespace as written;
- an undefined name, or an attribute of one, prints "" as in Django's templates
  (``ChainableUndefined``), never "Undefined"; ``None`` prints "None" in both,
  so templates write ``value or ""`` where Django's wrote ``|default:''``.

This module also names the globals and filters the templates call. Each is the
one implementation of its helper (articles/templating.py, stocks/bodylinks.py,
Django's own filters); nothing here is a copy.
"""

import html
import re
import sys

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Template as DjangoTemplate
from django.template import defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Undefined
from markupsafe import Markup

from articles import templating, timefmt
from articles.shared_fragments import shared_fragment
from articles.slug_urls import cached_reverse
from finews.jinja2_runtime import ReaderEnvironment
from stocks.bodylinks import link_securities

_markup = str.__new__
# What html.escape() replaces: a text without any is printed as it is.
_ESCAPED = re.compile("[&<>\"']")


def finalize(value):
    """What Django's engine prints for ``value`` (django.template.base.render_value_in_context).

    Always HTML-safe text: the templates print it as it is (finews/jinja2_runtime.py).
    """
    kind = type(value)
    if kind is str:
        # The common case: django.utils.html.escape() without its lazy-string wrapper,
        # made Markup by str's own constructor (Markup(text) is a Python-level
        # __new__ checking for __html__, which a plain str has not: same object).
        # Most texts (Chinese, paths) have nothing to escape: one search, no copies.
        if _ESCAPED.search(value) is None:
            return _markup(Markup, value)
        return _markup(Markup, html.escape(value))
    if kind is Markup or kind is SafeString:
        return value  # what conditional_escape() returns for a safe string
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # localize(): an int without thousand separators (the default)
    if isinstance(value, str):  # a safe string is returned as it is
        return conditional_escape(value)
    if isinstance(value, Undefined):
        return ""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def url(viewname, *args, **kwargs):
    """``{% url %}``: the path of a named URL (remembered, by positional arguments)."""
    if kwargs:
        return reverse(viewname, args=args or None, kwargs=kwargs)
    return cached_reverse(viewname, *args)


_static_urls = {}


def static(path):
    """``{% static %}``: the file's URL from the static files storage.

    What Django's tag returns with django.contrib.staticfiles installed (it is),
    without the tag's search of the installed apps on every call. With DEBUG
    off, the storage's URL of a name never changes while the process runs
    (finews/storage.py): it is kept here by name, forgotten when a setting
    changes (tests).
    """
    found = _static_urls.get(path)
    if found is None:
        found = staticfiles_storage.url(path)
        if not settings.DEBUG and len(_static_urls) < 256:
            _static_urls[path] = found
    return found


@receiver(setting_changed)
def _forget_static_urls(**kwargs):
    _static_urls.clear()


def date(value, arg=None):
    """Django's ``date`` filter, given the local time as Django's engine gives it."""
    return defaultfilters.date(template_localtime(value), arg)


def environment(**options):
    """The reader pages' Jinja2 environment (settings.TEMPLATES names it)."""
    # Django's backend passes its defaults for these two (DebugUndefined with DEBUG on,
    # which prints "{{ name }}"): the pages render the same in development.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = ReaderEnvironment(
        autoescape=True,
        keep_trailing_newline=True,
        undefined=ChainableUndefined,
        finalize=finalize,
        **options,
    )
    env.globals.update(
        url=url,
        # The production storage remembers each file's URL (finews/storage.py).
        static=static,
        canonical_url=templating.canonical_url,
        json_ld=templating.json_ld,
        breadcrumbs_nav=templating.breadcrumbs_nav,
        social_meta=templating.social_meta,
        live_list_attrs=templating.live_list_attrs,
        article_cards=templating.article_cards,
        story_sources_html=templating.story_sources_html,
        related_headlines=templating.related_headlines,
        shared_fragment=shared_fragment,
    )
    env.filters.update(
        date=date,
        truncatechars=templating.truncatechars,
        urlencode=defaultfilters.urlencode,
        tag_url=templating.tag_url,
        iso_beijing=templating.iso_beijing,
        local_iso=templating.local_iso,
        local_time=templating.local_time,
        # The site's timestamp styles (articles/timefmt.py), in Beijing time.
        list_time=timefmt.list_time,
        article_time=timefmt.article_time,
        clock_time=timefmt.clock_time,
        link_securities=link_securities,
    )
    return env


def _test_signal():
    """django.test's ``template_rendered`` while the test environment is set up, else None.

    django.test.utils.setup_test_environment instruments Django's engine (its
    ``Template._render`` then sends the signal the test client reads
    ``response.context`` from); this engine sends it under the same condition
    only. In production the check is one dictionary lookup.
    """
    utils = sys.modules.get("django.test.utils")
    if utils is None or DjangoTemplate._render is not utils.instrumented_test_render:
        return None
    from django.test.signals import template_rendered

    return template_rendered


class Template(django_jinja2.Template):
    """Django's wrapper of a Jinja2 template, with a ``name`` (as the test client reads it)."""

    @property
    def name(self):
        return self.template.name

    def render(self, context=None, request=None):
        # The view's values win over the context processors', as in Django's engine.
        values = {}
        if request is not None:
            values["request"] = request
            values["csrf_input"] = django_jinja2.csrf_input_lazy(request)
            values["csrf_token"] = django_jinja2.csrf_token_lazy(request)
            for processor in self.backend.template_context_processors:
                values.update(processor(request))
        if context:
            values.update(context)
        signal = _test_signal()
        if signal is not None:
            signal.send(sender=self, template=self, context=values)
        return super().render(values)


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend with the test signal and Django's context precedence.

    Without ``auto_reload`` (production: DEBUG off) a template, once loaded,
    never changes while the process runs: its wrapper is kept by name, so a
    page's template lookup is one dictionary read, not Jinja2's locked cache
    and two new wrappers.
    """

    def __init__(self, params):
        super().__init__(params)
        self._templates = {}

    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        template = self._templates.get(template_name)
        if template is None:
            template = Template(super().get_template(template_name).template, self)
            if not self.env.auto_reload:
                self._templates[template_name] = template
        return template
