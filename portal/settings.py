"""Django settings: the one place the environment is read. Importing them writes nothing.

Every variable has an embedded default, so a fresh clone runs with SQLite, the
local-memory cache and (for `manage.py demo` and the tests) the built-in sandbox.
The README lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from portal import local_state

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit written "hits/seconds", e.g. "5/600" for five per ten minutes."""
    hits, _, seconds = env_str(name, default).partition("/")
    return int(hits), int(seconds)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Without SECRET_KEY: the one manage.py or portal.wsgi generated into var/secret_key at
# start (portal/local_state.py), read here. Generated keys are for one machine's demo or
# development; `check --deploy` warns.
SECRET_KEY_GENERATED = not env_str("SECRET_KEY")
SECRET_KEY = env_str("SECRET_KEY") or local_state.read_secret_key()
# Fernet keys for secrets stored in the database, newest first; older ones still decrypt
# (rotation: README). Without it, a key derived from SECRET_KEY.
PORTAL_ENCRYPTION_KEYS = env_list("PORTAL_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Tixallo -----------------------------------------------------------------
# PORTAL_SANDBOX=1 talks to the built-in sandbox in-process instead of Tixallo: it
# installs the sandbox and the portal's wiring to it (portal/demo, INSTALLED_APPS below).
# It is off unless asked for (`manage.py demo`, its `sandbox` commands and the tests turn
# it on), so a production deployment never sends customers' requests into a stand-in.
PORTAL_SANDBOX = env_bool("PORTAL_SANDBOX")
# The portal's public address for emailed links and the embed snippet (wins over admin);
# without it, links take the host the request came through.
PORTAL_URL = env_str("PORTAL_URL").rstrip("/")
SANDBOX_BASE_URL = "http://sandbox.localhost/api/v1"
SANDBOX_DB_PATH = Path(env_str("SANDBOX_DB_PATH", str(BASE_DIR / "var" / "sandbox.sqlite3")))
# Set here (environment or sandbox), these win over what an admin saves in Django admin.
TIXALLO_BASE_URL = env_str("TIXALLO_BASE_URL", SANDBOX_BASE_URL if PORTAL_SANDBOX else "")
TIXALLO_API_KEY = env_str("TIXALLO_API_KEY", "tx_sandbox_demo_key" if PORTAL_SANDBOX else "")
# On the sandbox, a fixed demo secret that `manage.py demo` also gives the sandbox's sender.
TIXALLO_WEBHOOK_SECRET = env_str(
    "TIXALLO_WEBHOOK_SECRET", "whsec_sandbox_demo_secret" if PORTAL_SANDBOX else ""
)
PORTAL_IDENTITY_SECRET = env_str("PORTAL_IDENTITY_SECRET")
PORTAL_ALLOWED_ORIGINS = env_list("PORTAL_ALLOWED_ORIGINS")
# The portal's share of the workspace's rate limit, for every process together.
TIXALLO_REQUESTS_PER_MINUTE = env_int("TIXALLO_REQUESTS_PER_MINUTE", 100)
TIXALLO_CONNECT_TIMEOUT = env_float("TIXALLO_CONNECT_TIMEOUT", 3.0)
TIXALLO_READ_TIMEOUT = env_float("TIXALLO_READ_TIMEOUT", 10.0)
# Total time a GET may spend on retries before giving up.
TIXALLO_RETRY_BUDGET = env_float("TIXALLO_RETRY_BUDGET", 8.0)
TIXALLO_RETRY_BASE_DELAY = env_float("TIXALLO_RETRY_BASE_DELAY", 0.25)
# What a customer's page may spend on Tixallo in all (one try per call, no retries), so
# it answers within 2 s however Tixallo fails: then the last copy, or the outbox.
TIXALLO_PAGE_SECONDS = env_float("TIXALLO_PAGE_SECONDS", 1.5)
# How late another process's change may show (a poll's change markers, admins' edits):
# each process reuses what it read from the shared store this long (portal.shared.store).
SHARED_READ_THROUGH_SECONDS = env_float("SHARED_READ_THROUGH_SECONDS", 1.0)
# Circuit breaker: after this many failures within the window (s), pause calls (s).
TIXALLO_BREAKER_FAILURES = env_int("TIXALLO_BREAKER_FAILURES", 5)
TIXALLO_BREAKER_WINDOW = env_int("TIXALLO_BREAKER_WINDOW", 30)
TIXALLO_BREAKER_PAUSE = env_int("TIXALLO_BREAKER_PAUSE", 15)
# Threads per gunicorn worker; the HTTP pool is sized from it (see tech notes).
WEB_THREADS = env_int("WEB_THREADS", 4)

# --- Customer portal ----------------------------------------------------------
# How long a ticket or list read from Tixallo is reused (polls within it are free).
PORTAL_CACHE_SECONDS = env_int("PORTAL_CACHE_SECONDS", 10)
# While webhooks are seen arriving, a copy is trusted until an event changes it, and
# read again after this long anyway (the safety refresh, for an event lost on the way).
PORTAL_WEBHOOK_CACHE_SECONDS = env_int("PORTAL_WEBHOOK_CACHE_SECONDS", 300)
# How often open pages ask for news, while their tab is visible.
PORTAL_POLL_SECONDS = env_int("PORTAL_POLL_SECONDS", 10)
SIGNIN_LINK_MAX_AGE = env_int("SIGNIN_LINK_MAX_AGE", 30 * 60)
# A form sent faster than this after it was shown is a bot's.
MIN_FILL_SECONDS = env_float("MIN_FILL_SECONDS", 2.0)
RATE_LIMITS = {
    "submit": {
        "address": env_rate("RATE_LIMIT_SUBMIT_PER_ADDRESS", "20/3600"),
        "email": env_rate("RATE_LIMIT_SUBMIT_PER_EMAIL", "5/600"),
    },
    "signin": {
        "address": env_rate("RATE_LIMIT_SIGNIN_PER_ADDRESS", "10/3600"),
        "email": env_rate("RATE_LIMIT_SIGNIN_PER_EMAIL", "3/900"),
    },
    "reply": {
        "address": env_rate("RATE_LIMIT_REPLY_PER_ADDRESS", "60/3600"),
        "email": env_rate("RATE_LIMIT_REPLY_PER_EMAIL", "20/600"),
    },
    # Fair use: the Tixallo reads one visitor's pages may cause, from the budget above: a
    # signed-in customer 20 % of it a minute, an address (several customers behind one
    # office router) 40 %; one visitor can never spend what the others' first views need.
    "reads": {
        "address": env_rate(
            "RATE_LIMIT_READS_PER_ADDRESS", f"{max(1, TIXALLO_REQUESTS_PER_MINUTE * 2 // 5)}/60"
        ),
        "email": env_rate(
            "RATE_LIMIT_READS_PER_EMAIL", f"{max(1, TIXALLO_REQUESTS_PER_MINUTE // 5)}/60"
        ),
    },
}

# --- Outbox ------------------------------------------------------------------
# Submissions Tixallo couldn't take are retried by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OUTBOX_MAX_DELAY = env_int("OUTBOX_MAX_DELAY", 600)  # seconds between tries, at most
OUTBOX_GIVE_UP_AFTER = env_int("OUTBOX_GIVE_UP_AFTER", 3 * 24 * 3600)  # then: failed, in admin

# --- Email -------------------------------------------------------------------
# Django 6.1's MAILERS. Without EMAIL_HOST, mail is printed to the console (the
# demo shows sign-in links there); with it, SMTP.
_smtp_host = env_str("EMAIL_HOST")
# The demo's console backend also keeps each email in its demo inbox (/sandbox/inbox/).
_console_mail = (
    "portal.demo.console_mail.EmailBackend"
    if PORTAL_SANDBOX
    else "portal.outbox.console_mail.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", not env_bool("EMAIL_USE_SSL")),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
    if _smtp_host
    else {"BACKEND": _console_mail}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Support <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Django ------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "portal.shared",
    "portal.config",
    "portal.mirror",
    "portal.outbox",
    "django_tasks_db",
    "portal.customers",
    "portal.requestforms",
    "portal.tickets",
    "portal.embed",
    "portal.webhooks",
    "portal.ops",
    "portal.mutes",
    "portal.satisfaction",
    "axes",
]
if PORTAL_SANDBOX:
    # The stand-in Tixallo and the portal's one wiring point to it (portal/demo/apps.py
    # hands the API client its in-process transport). Never installed in production.
    INSTALLED_APPS += ["portal.sandbox", "portal.demo"]

MIDDLEWARE = [
    "portal.telemetry.requestlog.RequestLogMiddleware",
    # /healthz, /readyz and /metrics, before host validation, the HTTPS redirect, the
    # "being set up" page and sessions (why: portal/ops/middleware.py).
    "portal.ops.middleware.ProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (with Django's BREACH length randomisation; why that is safe here:
    # README "Compression"). Below WhiteNoise, which serves its own precompressed static
    # files; above every middleware that touches a response's body, so it sees the last one.
    "django.middleware.gzip.GZipMiddleware",
    # Outside the session and CSRF middlewares, so it sees the cookies they set.
    "portal.embed.cookies.PartitionedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs customers out after the admin's idle and absolute limits, staff after 8 h.
    "portal.customers.sessions.SessionAgeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.config.setup.SetupMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside CSP and X-Frame-Options: sets this response's frame-ancestors for them.
    "portal.embed.middleware.EmbedMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out admin sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portal.tickets.context.page_frame",
                "portal.config.branding.context",
            ],
        },
    },
]

# Without DATABASE_URL: SQLite in var/ (made at start: portal/local_state.py), created on
# first use.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web workers and the outbox worker write the same file (the outbox, the shared
    # store): WAL lets readers go on during a write, busy_timeout makes a writer wait its
    # turn instead of failing "database is locked", and IMMEDIATE transactions take the
    # write lock at BEGIN, so no transaction has to give up halfway to another.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000;"
            " PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# With REDIS_URL, the shared store (portal.shared: counters, markers, locks) and one cache
# every portal process shares; without it, the store is a table of the database above and
# each process has its own cache, which holds only what cannot go stale.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        # Django's RedisCache, answering "missing" while Redis is down (portal/caches/redis.py).
        "BACKEND": "portal.caches.redis.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {
        "BACKEND": "portal.caches.local.LocalCache",
        "LOCATION": "portal",
        # Django's default of 300 entries would drop copies of tickets (and their
        # change markers) with a few dozen customers online: each costs about ten.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# What is addressed by a version read from the shared store (a ticket's copy under its
# markers, what is queued under the customer's marker), kept in each process with Redis
# too: an unchanged poll then asks Redis nothing (docs/architecture.md, "Where state lives").
CACHES["local"] = {
    "BACKEND": "portal.caches.local.LocalCache",
    "LOCATION": "local",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
# {% cache %} fragments: drawn HTML addressed by the version of what it shows (docs/
# architecture.md, "Where state lives"), so each process keeps its own, with Redis too:
# a missed invalidation can't show old state, and a page asks Redis two times fewer.
CACHES["template_fragments"] = {
    "BACKEND": "portal.caches.local.LocalCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# With Redis, sessions are read from the cache (written through to the database): a poll
# costs no query. Without it, from the database: a per-process copy of a session would
# outlive a sign-out or a change made in another process.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "portal.customers.session_rows"  # Django's `db`, read with one plain query
)
# The cookie outlives the longest idle limit an admin may set (90 days): the limits
# themselves are kept by portal.customers.sessions, which renews the cookie at most
# hourly while the customer is seen.
SESSION_COOKIE_AGE = 90 * 24 * 3600
# Staff are signed out of admin this long after signing in.
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_HOURS", 8) * 3600
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
# How many proxies of ours append to X-Forwarded-For (behind BEHIND_HTTPS_PROXY): the
# client's address is the one the outermost of them saw; hops before it are the client's say.
PROXY_HOPS = max(1, env_int("PROXY_HOPS", 1))
# The probes are answered before the redirect (portal/ops/middleware.py).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# A friendly page that keeps what was typed (cookies blocked in an embedded frame, or an
# expired session) instead of Django's bare 403.
CSRF_FAILURE_VIEW = "portal.embed.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    # As X-Frame-Options: DENY says (browsers obey this one): admin and the rest are framed
    # by nobody. The customer pages widen it (portal/embed/middleware.py).
    "frame-ancestors": [CSP.NONE],
}

# --- Admin sign-in (django-axes) -------------------------------------------------
# After ADMIN_SIGNIN_FAILURES wrong passwords for one user from one address (an IPv6
# address counts by its /64), that pair is locked out for ADMIN_SIGNIN_LOCKOUT_MINUTES,
# counted again from each try while locked; a right password resets the count. The lock
# is per pair, so nobody can lock an admin out from everywhere. Customers' email sign-in
# is not Django's authentication and keeps its own limits (RATE_LIMITS).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ADMIN_SIGNIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ONLY_ADMIN_SITE = True
AXES_CLIENT_IP_CALLABLE = "portal.customers.ratelimit.address_key"
AXES_LOCKOUT_CALLABLE = "portal.config.lockout.locked_out"
# Failures kept in the database (shared by every instance; `manage.py axes_reset_username`
# unlocks), or with ADMIN_SIGNIN_STORE=cache in the cache (Redis with REDIS_URL).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if env_str("ADMIN_SIGNIN_STORE") == "cache"
    else "axes.handlers.database.AxesDatabaseHandler"
)

# --- Operations (portal/ops) ---------------------------------------------------
# /metrics answers only with this bearer token; without it, /metrics does not exist.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# A writable directory, empty at start, where every process (gunicorn's workers, the
# outbox worker) keeps its counters for /metrics to add up; prometheus-client reads it
# from the environment itself, before it is imported.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
# How many gunicorn worker processes and portal instances run, for the system checks
# (several instances need one database server, not a SQLite file each). gunicorn.conf.py
# sets WEB_CONCURRENCY for its workers; PORTAL_INSTANCES is the operator's to set.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1)
PORTAL_INSTANCES = env_int("PORTAL_INSTANCES", 1)
# "json": one JSON object per log line; anything else: plain text.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # On every handler: the request id, tokens masked, control characters escaped.
    "filters": {"lines": {"()": "portal.telemetry.logs.LogLineFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.telemetry.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["lines"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # Failed admin sign-ins and lockouts (warnings), not its start-up and per-try notes.
        "axes": {"level": "WARNING"},
        # Named so that Django's own handlers for them (a console without the filter under
        # DEBUG, mail to ADMINS, runserver's lines) are removed: they reach the one above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
