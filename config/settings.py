"""Settings for the workshop management system: one file, driven by environment variables.

Every variable is listed, with its default, in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# ENV_FILE names another file, or none when empty (the tests of bad configuration use that).
_env_file = env_str("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_dotenv(Path(_env_file))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people reach the site at, for links in e-mails and calendar feeds, which are
# read outside any request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "audit",
    "privacy",
    "backups",
    "events",
    "participants",
    "feedback",
    "reports",
    # After the domain apps: their translations of shared words ("Name") come first.
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads the path, the query or the form (and after the language and the
    # user are known, for the refusal page): a NUL or a lone surrogate there is refused, 404
    # in a path, 400 naming the field in a query or form, never handed to the database.
    "config.middleware.ImpossibleTextMiddleware",
    # The audit trail's actor (the signed-in user), address and origin for every change.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The organiser shell's links, registered by each app (config/shell.py).
            "libraries": {"shell": "config.templatetags.shell"},
        },
    },
]

# SQLite by default, in a file beside the code; PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite: WAL lets readers go on during a write; IMMEDIATE takes
    # the write lock when a transaction starts, so two writers queue for up to `timeout`
    # seconds instead of one failing with "database is locked" at its first write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT", 20),
    }
    # A file, not memory, so that tests see the same locking as production; beside the
    # database it stands in for (db.sqlite3 -> .test-db.sqlite3), so each has its own.
    _name = Path(DATABASES["default"]["NAME"])
    if str(_name) != ":memory:":
        DATABASES["default"]["TEST"] = {"NAME": str(_name.with_name(f".test-{_name.name}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in attempts are counted by django-axes (in the database, so shared by every server):
# AXES_FAILURE_LIMIT failures lock out the account, and separately the address they came
# from, for AXES_COOLOFF_MINUTES. Administrators unlock in the admin ("Access attempts":
# delete the rows) or with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
# The address tried is not a secret, but the password field is never logged.
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

LOGIN_URL = "login"
# Organisers land on their dashboard, funders on their workshops (reports.queries.landing_url).
LOGIN_REDIRECT_URL = "reports:landing"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# The helpers' own words (config is no app, so its catalogue is named here); the apps' are
# found in each app's locale directory.
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]

# Our date formats per language (config/formats/<locale>/formats.py) win over Django's: one
# style across the site, and Chinese dates written as Chinese writes them.
FORMAT_MODULE_PATH = ["config.formats"]

TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served by the application itself through WhiteNoise (its middleware
# above), so every server of a cluster serves the same files with no proxy configuration.
# In production (STATIC_MANIFEST, on with DEBUG off) `collectstatic` writes hashed, compressed
# copies that are cached for a year; the test suite and DEBUG read the apps' folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds an SMTP connection may wait for the server: a server that never answers must not
# hold a worker (Django's default is no limit at all).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "workshops@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Nothing is kept in one process's memory: cache, rate-limit counts, sessions and the
# sign-in lockout live in PostgreSQL (or Redis), so any number of processes on any number of
# machines behind a proxy answer alike. The cache is a database table by default (made by
# participants 0002); REDIS_URL (redis://HOST:6379/0) puts the cache and the rate-limit
# counts in Redis instead (Django's RedisCache; `pip install redis`; give the server a
# maxmemory-policy that never evicts a key with time left, volatile-ttl or noeviction).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "rate_limit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rate",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
        },
        # The rate limits' counts: a table of their own that loses no live entry to a cull
        # (config/cache.py). Past MAX_ENTRIES rows, expired ones are deleted.
        "rate_limit": {
            "BACKEND": "config.cache.ExpiryOnlyDatabaseCache",
            "LOCATION": "rate_limit_entries",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }
# Sessions: "db" (a table, the default), "cached_db" (read through the cache, written to the
# table) or "cache" (the cache alone: only with REDIS_URL, where it outlives a restart).
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}
SESSION_BACKEND = env_str("SESSION_BACKEND", "db")
if SESSION_BACKEND not in _SESSION_ENGINES:
    raise ImproperlyConfigured(f"SESSION_BACKEND must be one of: {', '.join(_SESSION_ENGINES)}.")
if SESSION_BACKEND == "cache" and not REDIS_URL:
    raise ImproperlyConfigured("SESSION_BACKEND=cache needs REDIS_URL (sessions would be lost).")
SESSION_ENGINE = _SESSION_ENGINES[SESSION_BACKEND]

# Public registration: at most COUNT submissions per client address per WINDOW seconds.
REGISTRATION_RATE_LIMIT_COUNT = env_int("REGISTRATION_RATE_LIMIT_COUNT", 20)
REGISTRATION_RATE_LIMIT_WINDOW = env_int("REGISTRATION_RATE_LIMIT_WINDOW", 600)
# The other public forms and the API, through the same limiter (config/rate_limit.py).
FEEDBACK_RATE_LIMIT_COUNT = env_int("FEEDBACK_RATE_LIMIT_COUNT", 30)
FEEDBACK_RATE_LIMIT_WINDOW = env_int("FEEDBACK_RATE_LIMIT_WINDOW", 600)
VERIFICATION_RATE_LIMIT_COUNT = env_int("VERIFICATION_RATE_LIMIT_COUNT", 60)
VERIFICATION_RATE_LIMIT_WINDOW = env_int("VERIFICATION_RATE_LIMIT_WINDOW", 600)
PASSWORD_RESET_RATE_LIMIT_COUNT = env_int("PASSWORD_RESET_RATE_LIMIT_COUNT", 5)
PASSWORD_RESET_RATE_LIMIT_WINDOW = env_int("PASSWORD_RESET_RATE_LIMIT_WINDOW", 3600)
# Per API token (or per address for requests without one).
API_RATE_LIMIT_COUNT = env_int("API_RATE_LIMIT_COUNT", 600)
API_RATE_LIMIT_WINDOW = env_int("API_RATE_LIMIT_WINDOW", 60)
# The client's address, for the rate limit and the sign-in lockout (config/client_address.py).
# TRUSTED_PROXY_COUNT: how many proxies of ours stand before the application, each appending
# to X-Forwarded-For; the address the outermost of them saw is the n-th entry from the right.
# Entries left of it were written by the client and are never trusted. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Or, for a proxy that sets a header of its own (for example HTTP_X_REAL_IP) and overwrites
# whatever the client sent: its name. Never set either without such a proxy.
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER")
# Feedback: results of a question, and every group of a breakdown, are shown only once at
# least this many people answered; anonymous answers join the results in batches of at
# least FEEDBACK_BATCH (see feedback/anonymity.py). Neither may be below 2.
FEEDBACK_MIN_GROUP = env_int("FEEDBACK_MIN_GROUP", 5)
FEEDBACK_BATCH = env_int("FEEDBACK_BATCH", 5)
if FEEDBACK_MIN_GROUP < 2 or FEEDBACK_BATCH < 2:
    raise ImproperlyConfigured("FEEDBACK_MIN_GROUP and FEEDBACK_BATCH must be at least 2.")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Post-event reports: how many days a shared link (and the link e-mailed on publishing) works.
REPORT_LINK_DAYS = env_int("REPORT_LINK_DAYS", 90)
if REPORT_LINK_DAYS < 1:
    raise ImproperlyConfigured("REPORT_LINK_DAYS must be at least 1.")
# The audit trail (django-auditlog, audit/registry.py): changes stored as JSON.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = False

# The API under /api/v1/ (integrations/rest.py): API tokens or the browser's session, JSON
# in and out, one error format, pages of 100 (up to 1,000 with ?page_size=).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "integrations.rest.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["config.rate_limit.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "integrations.rest.exception_handler",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Workshops API",
    "DESCRIPTION": "Workshops, timetables, registrations, attendance, feedback and reports.",
    "VERSION": "1",
    # Swagger UI from our own static files (drf-spectacular-sidecar), never from a CDN, and
    # its start-up script from a URL of ours (the split view): the CSP allows nothing else.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RegistrationStatusEnum": "participants.models.Registration.Status",
        "WorkshopStatusEnum": "events.models.Workshop.Status",
        "SessionStatusEnum": "events.models.Session.Status",
        "AttendanceStatusEnum": "participants.models.Attendance.Status",
        "SessionKindEnum": "events.models.Session.Kind",
        "AgencyKindEnum": "events.models.Agency.Kind",
        "QuestionKindEnum": "feedback.models.Question.Kind",
        "QuestionnaireKindEnum": "feedback.models.Questionnaire.Kind",
        "DocumentBuildStatusEnum": "reports.models.DocumentBuild.Status",
        "LanguageEnum": "config.settings.LANGUAGES",
    },
}

# Background work (e-mails, webhook deliveries, large documents) through Django's tasks API
# (integrations/queue.py). TASKS_BACKEND "database": the django-tasks-db queue, a table in
# DATABASES that `manage.py run_worker` processes (any number of workers, on any machine);
# "immediate": run in the process that queues (the test suite, except its worker tests).
# Another backend (RQ on Redis, Celery) is a different TASKS["default"]["BACKEND"]: README.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of: {', '.join(_TASK_BACKENDS)}.")
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[TASKS_BACKEND],
        "QUEUES": ["default", "email", "webhooks", "documents"],
    }
}
# Seconds after which a task still RUNNING is taken for lost (its worker killed) and queued
# again when a worker starts: longer than any task may take.
TASKS_STALE_AFTER = env_int("TASKS_STALE_AFTER", 900)

# Webhooks (integrations/webhooks.py): seconds a receiver may take to answer; and whether
# receivers on private or loopback addresses are allowed (never on a public site: anyone
# organising a workshop could then make this server call into its own network).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)

# The API's schema and its browsable documentation: staff only unless made public.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)

# Content-Security-Policy on every answer, the admin's too (django-csp): script and style
# from this site only, no inline script or style, no framing. A slip that lets markup into a
# page then runs nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# HTTPS: the site is reached over TLS only (terminated here or by a proxy before it). On by
# default with DEBUG off; then plain HTTP is redirected, browsers are told to use HTTPS for
# a year (HSTS) and cookies are sent over TLS only. Each can be set on its own.
HTTPS = env_bool("HTTPS", not DEBUG)
# A proxy that terminates TLS says so in X-Forwarded-Proto; trusted only when set.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Health checks from the proxy or the load test may come over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Preloading puts the domain on browsers' built-in lists, for years: the owner's decision,
# so off unless asked, and check --deploy's reminder of it (W021) is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)

# Personal links carry their secret in the path (/r/<token>/, the feeds): outside DEBUG the
# request loggers write those paths with the secret blanked out.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_personal_links": {"()": "config.logging.HidePersonalLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_personal_links"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # runserver's access lines: Django gives them a handler of their own, without the filter.
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes tells of every sign-in at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}
