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
    "events",
    "participants",
    "feedback",
    "reports",
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
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]

# Our date formats per language (config/formats/<locale>/formats.py) win over Django's: one
# style across the site, and Chinese dates written as Chinese writes them.
FORMAT_MODULE_PATH = ["config.formats"]

TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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

# Shared by every application server (they keep nothing in memory between requests): the
# registration form's rate limit counts here. The table is made by a migration
# (participants 0002) calling createcachetable.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache_entries",
    },
    # The registration rate limit's counts: a table of their own that loses no live entry
    # to a cull (config/cache.py). Past MAX_ENTRIES rows, expired ones are deleted.
    "rate_limit": {
        "BACKEND": "config.cache.ExpiryOnlyDatabaseCache",
        "LOCATION": "rate_limit_entries",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Public registration: at most COUNT submissions per client address per WINDOW seconds.
REGISTRATION_RATE_LIMIT_COUNT = env_int("REGISTRATION_RATE_LIMIT_COUNT", 20)
REGISTRATION_RATE_LIMIT_WINDOW = env_int("REGISTRATION_RATE_LIMIT_WINDOW", 600)
# The client's address, for the rate limit and the sign-in lockout (config/client_address.py).
# TRUSTED_PROXY_COUNT: how many proxies of ours stand before the application, each appending
# to X-Forwarded-For; the address the outermost of them saw is the n-th entry from the right.
# Entries left of it were written by the client and are never trusted. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Or, for a proxy that sets a header of its own (for example HTTP_X_REAL_IP) and overwrites
# whatever the client sent: its name. Never set either without such a proxy.
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Feedback: results of a question, and every group of a breakdown, are shown only once at
# least this many people answered; anonymous answers join the results in batches of at
# least FEEDBACK_BATCH (see feedback/anonymity.py). Neither may be below 2.
FEEDBACK_MIN_GROUP = env_int("FEEDBACK_MIN_GROUP", 5)
FEEDBACK_BATCH = env_int("FEEDBACK_BATCH", 5)
if FEEDBACK_MIN_GROUP < 2 or FEEDBACK_BATCH < 2:
    raise ImproperlyConfigured("FEEDBACK_MIN_GROUP and FEEDBACK_BATCH must be at least 2.")
# Test-only switches for the concurrency tests' control run: never change them in production.
REGISTRATION_LOCKING = True
REGISTRATION_RACE_DELAY = 0

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
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
}

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

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)

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
