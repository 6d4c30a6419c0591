"""Deployment: production settings pass `check --deploy`, gunicorn's config and access log."""

import datetime
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python with settings from ``env`` alone (no .env file)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SECURE", "HTTPS"))}
    clean.pop("DEBUG", None)
    clean.pop("STATIC_MANIFEST", None)
    clean.update(ENV_FILE="", DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


PRODUCTION = {
    "SECRET_KEY": "k7#Qv9!pL2@xZ4$wR8^tY6&uI0*oP3(aS5)dF1-gH7+jK9=lM2_nB4",
    "ALLOWED_HOSTS": "workshops.example.org",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
}


def test_check_deploy_is_clean_with_production_settings():
    result = _run_django(
        "import django, sys; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_tls_defaults_are_on_without_debug_and_each_can_be_turned_off():
    # The settings alone: loading the apps (django.setup) would add a second per process.
    show = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER,"
        " s.STORAGES['staticfiles']['BACKEND'])"
    )
    on = _run_django(show, **PRODUCTION, BEHIND_HTTPS_PROXY="true")
    assert on.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ], on.stderr
    off = _run_django(show, **PRODUCTION, HTTPS="false", SECURE_HSTS_SECONDS="60")
    assert off.stdout.split()[:6] == ["False", "60", "False", "False", "False", "None"]


def test_check_deploy_names_what_is_missing_when_tls_is_off():
    result = _run_django(
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION,
        HTTPS="false",
    )
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_redis_url_moves_cache_and_rate_limits_and_sessions_choose_their_engine():
    # The settings alone: loading the apps (django.setup) would add a second per process.
    show = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CACHES['rate_limit']['BACKEND'],"
        " s.CACHES['default']['LOCATION'], s.SESSION_ENGINE)"
    )
    redis = _run_django(
        show, **PRODUCTION, REDIS_URL="redis://10.0.0.5:6379/1", SESSION_BACKEND="cache"
    )
    assert redis.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.redis.RedisCache",
        "redis://10.0.0.5:6379/1",
        "django.contrib.sessions.backends.cache",
    ], redis.stderr
    database = _run_django(show, **PRODUCTION)
    assert database.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "config.cache.ExpiryOnlyDatabaseCache",
        "cache_entries",
        "django.contrib.sessions.backends.db",
    ], database.stderr
    refused = _run_django(show, **PRODUCTION, SESSION_BACKEND="cache")
    assert "SESSION_BACKEND=cache needs REDIS_URL" in refused.stderr


@pytest.fixture
def gunicorn_config(monkeypatch):
    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))

    return load


def test_gunicorn_workers_and_timeouts_from_the_environment(gunicorn_config, monkeypatch):
    config = gunicorn_config(GUNICORN_WORKERS="4", GUNICORN_TIMEOUT="45", GUNICORN_THREADS="1")
    assert (config["workers"], config["timeout"], config["worker_class"]) == (4, 45, "sync")
    assert config["wsgi_app"] == "config.wsgi:application"
    monkeypatch.delenv("GUNICORN_WORKERS")
    threaded = gunicorn_config(WEB_CONCURRENCY="3", GUNICORN_THREADS="8")
    assert (threaded["workers"], threaded["threads"], threaded["worker_class"]) == (
        3,
        8,
        "gthread",
    )


def test_gunicorn_access_log_hides_personal_tokens_queries_and_referers(gunicorn_config):
    from gunicorn.config import Config

    logger = gunicorn_config()["logger_class"](Config())
    lines = {}
    for path in (
        "/r/SeCrEtToKeN123/",
        "/feeds/people/SeCrEtToKeN123.ics",
        "/t/SeCrEtToKeN123/feedback/",
        "/api/v1/personal/SeCrEtToKeN123/",
        "/checkin/12/SeCrEtToKeN123/",
    ):
        request = SimpleNamespace(
            method="GET",
            path=path,
            query="search=ana@example.org",
            uri=path,
            version=(1, 1),
            headers=[("REFERER", "https://x/r/SeCrEtToKeN123/")],
        )
        response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
        environ = {
            "REMOTE_ADDR": "10.0.0.1",
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,
            "PATH_INFO": path,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "QUERY_STRING": "search=ana@example.org",
            "HTTP_REFERER": "https://x/r/SeCrEtToKeN123/",
        }
        atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=7))
        lines[path] = atoms
    for path, atoms in lines.items():
        assert "SeCrEtToKeN123" not in atoms["U"], path
        assert "…" in atoms["U"]
        assert atoms["q"] == "-"
        assert atoms["f"] == "-"
    config = gunicorn_config()
    formatted = config["access_log_format"] % lines["/r/SeCrEtToKeN123/"]
    assert "SeCrEtToKeN123" not in formatted
    assert "ana@example.org" not in formatted
    assert '"GET /r/…/ HTTP/1.1" 200' in formatted


@pytest.mark.django_db
def test_health_check_answers_over_plain_http_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
