"""finews settings: the one module, read from typed environment variables.

With no environment at all it runs for local use on an SQLite file in the
project. ``FINEWS_ENV=production`` is chosen explicitly and then refuses to
start without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` rather than falling back.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

FINEWS_ENV = env.str("FINEWS_ENV", default="development")
if FINEWS_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"FINEWS_ENV must be 'development' or 'production', not {FINEWS_ENV!r}."
    )
PRODUCTION = FINEWS_ENV == "production"

if PRODUCTION:
    # No defaults in production: a missing value stops the process at start.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = env.bool("DEBUG", default=False)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    DEBUG = env.bool("DEBUG", default=True)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "taggit",
    "simple_history",
    "tinymce",
    "finews.apps.AxesConfig",
    "csp",
    "articles",
    "jekyll",
    "ops",
    "ingest",
    "sources",
    "hot",
    # Stock pages learned from the news (stocks/, docs/STOCKS.md).
    "stocks",
    # The narrow search table search reads on PostgreSQL (searchindex/, docs/SEARCH.md).
    "searchindex",
    # The task engine polling sources (sources/tasks.py): workers run `manage.py qcluster`.
    "django_q",
    # django-ninja: in INSTALLED_APPS so /api/v1/docs serves Swagger UI from its
    # own static files instead of a CDN.
    "ninja",
]

MIDDLEWARE = [
    # First, so its line carries the status the reader got and the whole duration.
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's CSPMiddleware, building the (fixed) policy string once.
    "ops.csp.PrebuiltCSPMiddleware",
    # NUL or control characters in a path or query: 404/400 before anything reads
    # them (after the security headers, which its answers carry too).
    "ops.guards.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, CSRF and auth layers: a hit skips them all.
    "ops.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST to a read-only page is 405, not the CSRF 403.
    "ops.guards.SafeMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's MessageMiddleware, its storage built only when a message is used.
    "ops.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made a change, for article versions saved outside the admin's own code
    # (django-simple-history's middleware, for the methods that can change data).
    "ops.middleware.HistoryRequestMiddleware",
    # Turns the views' database errors into the styled 503 (no other middleware
    # here has a process_exception that should see them first).
    "ops.middleware.DatabaseUnavailableMiddleware",
    # Turns a locked-out login into the lockout page (after every layer that
    # sets up the request; only the next one, which changes nothing, is inside it).
    "axes.middleware.AxesMiddleware",
    # Last: the URLconf and script prefix as the view will reverse with, read once
    # per request for the pages' forty-odd URLs (articles/slug_urls.py).
    "articles.middleware.URLScopeMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed web logins and refuses locked-out ones (django-axes).
    "finews.auth.WebLoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "finews.urls"
# The editors' admin lives here; change it to keep it off the well-known path.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/").strip("/") + "/"
WSGI_APPLICATION = "finews.wsgi.application"

TEMPLATES = [
    # The reader pages (templates/jinja2/): Jinja2, configured in finews/jinja2.py. Searched first.
    {
        "BACKEND": "finews.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "finews.jinja2.environment",
            # What the reader pages read (``request`` comes with every request).
            "context_processors": ["articles.context_processors.site"],
        },
    },
    # The rest of templates/ (the admin's overrides, the sitemaps) and the apps' own.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL selects the database; the default is an SQLite file in the project.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (ops/db/postgresql).
    DATABASES["default"]["ENGINE"] = "ops.db.postgresql"
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    # The article page's lookups by key are planned once per connection: psycopg
    # prepares the statements it is asked to (articles/prepared.py, plan_once),
    # never others (the threshold is out of reach), and PostgreSQL keeps their
    # generic plan. Statements with no bound parameters (every other ORM
    # query: Django binds them on the client) are planned for their values as
    # before. Off for a pooler that cannot keep prepared statements (PgBouncer
    # before 1.21 in transaction mode).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _db_options.setdefault("prepare_threshold", 2**31 - 1)
        _db_options["options"] = " ".join(
            filter(None, [_db_options.get("options"), "-c plan_cache_mode=force_generic_plan"])
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL (or a full CACHE_URL) selects a cache shared by every app host;
# otherwise each process keeps its own in local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis that is down or slow gives cache
            # misses (logged) instead of errors: pages come from the database.
            "BACKEND": "ops.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="finews"),
            "TIMEOUT": env.int("CACHE_TIMEOUT", default=600),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
    }
    # Sessions read from the shared cache, written through to the database: any
    # app host can serve any editor, and a Redis outage loses no session.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif "CACHE_URL" in env:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "finews",
            "TIMEOUT": env.int("CACHE_TIMEOUT", default=600),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One language: every page, the admin's included, is in Chinese whatever the
# browser asks for. No LocaleMiddleware: it would only add "Vary:
# Accept-Language", making downstream caches keep a copy per browser language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Chinese for third-party apps that ship none (django-axes' admin).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files (collectstatic; WhiteNoise's storage, each
        # URL remembered) in production; plain files while developing, with
        # DEBUG on or off.
        "BACKEND": "finews.storage.ManifestStaticStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
if not PRODUCTION:
    # Development with DEBUG=false (to try the real 404/500 pages): WhiteNoise
    # serves static/ straight from the source folders, no collectstatic needed.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# Tag slugs keep their Chinese characters; 银行 and 銀行 stay different tags,
# but "ETF" and "etf" are one.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

# Tag entry in the admin: Chinese separators (，、；) count as commas, and names
# that differ only in case or full-/half-width form are one tag.
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string_for_tags"

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts
# for one user name from one address, that pair is locked for the cool-off time;
# after AXES_ADDRESS_FAILURE_LIMIT failed attempts from one address, whatever the
# user names, the address is (finews.auth.LoginThrottleHandler).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_HANDLER = "finews.auth.LoginThrottleHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "finews.auth.client_ip"
# The only login is the admin's: after it (and when a next= address is refused
# as unsafe) editors land on the admin index, not Django's /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"
# How many reverse proxies (nginx, a load balancer) append to X-Forwarded-For in
# front of the app; 0 means the peer address itself is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)

# The body editor in the admin: TinyMCE shipped inside django-tinymce, served
# from static files (no CDN), configured by data attributes (no inline script).
TINYMCE_DEFAULT_CONFIG = {
    "license_key": "gpl",
    "language": "zh_CN",
    "height": 480,
    "menubar": False,
    "promotion": False,
    "branding": False,
    "plugins": "lists link autolink table code",
    # Wrap rather than hide buttons behind "…" when the editor is narrow.
    "toolbar_mode": "wrap",
    "toolbar": (
        "undo redo | blocks | bold italic underline strikethrough | "
        "bullist numlist blockquote | link table | removeformat code"
    ),
    "block_formats": "段落=p; 标题 2=h2; 标题 3=h3; 标题 4=h4; 引用=blockquote; 代码=pre",
    # Offer only what articles/sanitize.py keeps, so saving strips nothing typed here.
    "valid_elements": (
        "p,br,hr,strong/b,em/i,u,s,sub,sup,small,mark,"
        "a[href|title],img[src|alt|title|width|height],ul,ol[start],li,"
        "blockquote[cite],q[cite],cite,pre,code,h2,h3,h4,h5,h6,figure,figcaption,"
        "table,caption,thead,tbody,tfoot,tr,th[colspan|rowspan|scope],td[colspan|rowspan]"
    ),
    "formats": {"underline": {"inline": "u", "exact": True}},
    "link_default_target": "",
    "convert_urls": False,
    "entity_encoding": "raw",
}

# The public name of the site, used in titles, feeds and the news sitemap.
SITE_NAME = env.str("SITE_NAME", default="金融消息")
SITE_URL = env.str("SITE_URL", default="")
# The publication name in the Google News sitemap.
NEWS_PUBLICATION_NAME = env.str("NEWS_PUBLICATION_NAME", default=SITE_NAME)
ARTICLES_PER_PAGE = 20
# The 7×24 timeline (/kuaixun/) lists this many flash items a page (docs/KUAIXUN.md).
FLASH_PER_PAGE = env.int("FLASH_PER_PAGE", default=50)
# Search ranks only the newest SEARCH_WINDOW matches (docs/SEARCH.md).
SEARCH_WINDOW = env.int("SEARCH_WINDOW", default=1000)
# PostgreSQL: the windows of this many frequent words are written ahead, the
# words counted among the newest SEARCH_WORDS_SAMPLE entries (searchindex/windows.py).
SEARCH_WORDS = env.int("SEARCH_WORDS", default=2000)
SEARCH_WORDS_SAMPLE = env.int("SEARCH_WORDS_SAMPLE", default=20000)
SEARCH_WORDS_REFRESH_MINUTES = env.int("SEARCH_WORDS_REFRESH_MINUTES", default=60)
# Stories (ingest/stories.py): items within STORY_WINDOW_HOURS whose MinHash
# Jaccard estimate reaches STORY_THRESHOLD (or whose normalised title or text
# is the same) are one story. STORY_BANDS LSH bands of STORY_NUM_PERM / STORY_BANDS
# rows find candidates; character STORY_SHINGLE-grams are hashed.
STORY_WINDOW_HOURS = env.int("STORY_WINDOW_HOURS", default=72)
STORY_THRESHOLD = env.float("STORY_THRESHOLD", default=0.4)
STORY_NUM_PERM = env.int("STORY_NUM_PERM", default=96)
STORY_BANDS = env.int("STORY_BANDS", default=32)
STORY_SHINGLE = env.int("STORY_SHINGLE", default=2)
# Listing pages ask /api/latest.json this often for newer articles (seconds).
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=60)
# How long browsers and proxies may reuse an /api/latest.json answer (seconds).
LIVE_CACHE_SECONDS = env.int("LIVE_CACHE_SECONDS", default=10)

# Anonymous GET pages are cached (ops/page_cache.py) under the content version
# (articles/content_version.py); PAGE_CACHE=false turns that off (benchmarks
# measure both).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
# Paths never cached besides the admin (health checks must reach the process).
PAGE_CACHE_EXCLUDE = ["/healthz", "/readyz", "/static/", "/media/", "/api/v1/"]
# The query parameters public pages read (pagination, search, /api/latest.json);
# any other is dropped before the view runs, so it cannot add cache entries.
# A view that reads a new parameter must be listed here.
PAGE_CACHE_QUERY_PARAMS = [
    "page",
    "q",
    "important",
    "since",
    "after_id",
    "start",
    "category",
    "tag",
]
# The longest a stored page is served (seconds), even if the content version
# could not be renewed (an unreachable cache during an edit).
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)

# 热门 (hot/, docs/HOT.md): a browser's reads of one article count once per
# HOT_DEDUP_SECONDS; an address may send HOT_BEACON_RATE_PER_MINUTE beacons a
# minute (0: no limit, benchmarks only); hourly counters expire after
# HOT_BUCKET_SECONDS if never folded; the task engine folds them every
# HOT_FOLD_MINUTES (set in the schedule when it is created).
HOT_DEDUP_SECONDS = env.int("HOT_DEDUP_SECONDS", default=1800)
HOT_BEACON_RATE_PER_MINUTE = env.int("HOT_BEACON_RATE_PER_MINUTE", default=60)
HOT_BUCKET_SECONDS = env.int("HOT_BUCKET_SECONDS", default=2 * 24 * 3600)
HOT_FOLD_MINUTES = env.int("HOT_FOLD_MINUTES", default=5)
# Stock pages (stocks/): an external quote page per market, off unless set, as
# JSON {"SH": "https://…/{market}{code}.html", ...} ({code}, {market}: sh/sz/bj/hk/us).
STOCK_QUOTE_URLS = env.json("STOCK_QUOTE_URLS", default={})

# The push API for crawlers (ingest/api.py): requests a minute per token.
INGEST_RATE_PER_MINUTE = env.int("INGEST_RATE_PER_MINUTE", default=60)

# Sources finews polls itself (sources/, docs/SOURCES.md).
FETCH_TIMEOUT = env.float("FETCH_TIMEOUT", default=10.0)
FETCH_MAX_BYTES = env.int("FETCH_MAX_BYTES", default=10 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=5)
# Local fixture servers and tests only: production never fetches inside its network.
FETCH_ALLOW_PRIVATE_NETWORKS = env.bool("FETCH_ALLOW_PRIVATE_NETWORKS", default=False)
FETCH_USER_AGENT = env.str(
    "FETCH_USER_AGENT",
    default="finews-fetcher/1.0 (news aggregator" + (f"; +{SITE_URL}" if SITE_URL else "") + ")",
)
SOURCE_MAX_FAILURES = env.int("SOURCE_MAX_FAILURES", default=5)
SOURCE_BODY_FETCHES = env.int("SOURCE_BODY_FETCHES", default=30)
# A claim on a source expires after this: a worker killed mid-fetch frees it.
SOURCE_CLAIM_SECONDS = env.int("SOURCE_CLAIM_SECONDS", default=300)

# django-q2: the database is the broker by default (no extra server); REDIS_URL
# makes Redis the broker, for several worker hosts. Schedules live in the database.
Q_CLUSTER = {
    "name": "finews",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=600),
    "retry": env.int("Q_RETRY", default=900),
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 200,
    "label": "任务队列",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Behind a TLS-terminating proxy (nginx) in production.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is hard to undo: an operator's explicit
        # choice (SECURE_HSTS_PRELOAD=true), not a default, so its reminder is silenced.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Health probes come from the load balancer over plain HTTP; never redirect them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy (django-csp 4): scripts, styles, fonts and frames only
# from this site, no inline script or style. Images: article bodies embed
# pictures from the publications they were taken from, so img-src also allows
# any https: origin (and data: for small inline icons); images cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Logging: everything to stderr (gunicorn and systemd collect it); one line per
# request from ops.middleware.RequestLogMiddleware, each record stamped with the
# request id; LOG_FORMAT=json for one JSON object per line.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "ops.logging.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Server errors with their traceback; the reader sees only the 500 page.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # 4xx/5xx lines duplicate finews.request's; keep the server's own errors.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "finews.request": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # django-axes announces its configuration at every start; lockouts are warnings.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
