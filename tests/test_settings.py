"""Configuration: a bad value stops the process at start, naming the variable; SQLite is set
up for concurrent writers."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

BASE_DIR = Path(__file__).resolve().parent.parent
# Every variable the settings read, cleared so that each case starts from nothing.
VARIABLES = [
    line.partition("=")[0].lstrip("# ").strip()
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines()
    if "=" in line and line.lstrip("# ").partition("=")[0].isupper()
]


def start(*, env_file: str = "", argv=("-c", "import django; django.setup()"), **variables):
    """Start Python with the project's settings and only ``variables`` set; its result."""
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.pop("ENV_FILE", None)
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ENV_FILE=env_file, **variables)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def failure(result) -> str:
    """The last line of the traceback: the error the operator reads."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_env_example_lists_the_variables_the_settings_read():
    source = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    assert "SECRET_KEY" in VARIABLES
    assert "DATABASE_URL" in VARIABLES
    for name in VARIABLES:
        assert f'"{name}"' in source, name


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    assert failure(start(DEBUG="false")) == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off "
        "(set DEBUG=true for local development)."
    )
    assert "SECRET_KEY must be set" in failure(start())  # DEBUG is off by default


def test_settings_start_without_secret_key_when_debug_is_on():
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("DEBUG", "maybe", "must be one of true/false/1/0/yes/no/on/off, not 'maybe'."),
        ("SECURE_COOKIES", "sometimes", "must be one of true/false/1/0/yes/no/on/off"),
        ("SQLITE_TIMEOUT", "abc", "must be a whole number, not 'abc'."),
        ("DATABASE_CONN_MAX_AGE", "1 minute", "must be a whole number, not '1 minute'."),
        ("EMAIL_PORT", "smtp", "must be a whole number, not 'smtp'."),
    ],
)
def test_settings_refuse_to_start_with_a_bad_value_naming_the_variable(name, value, rule):
    message = failure(start(SECRET_KEY="x", **{name: value}))
    assert message.startswith(f"django.core.exceptions.ImproperlyConfigured: {name} {rule}")


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "mysq://user@localhost/workshops",
        "postgres://user:s3cret@localhost:notaport/workshops",
        "postgres://user:s3cret@localhost:5432",
    ],
    ids=["no-scheme", "unknown-scheme", "bad-port", "no-database"],
)
def test_settings_refuse_to_start_with_a_malformed_database_url(url):
    result = start(SECRET_KEY="x", DATABASE_URL=url)
    message = failure(result)
    assert message.startswith(
        "django.core.exceptions.ImproperlyConfigured: DATABASE_URL must be a database URL "
        "such as postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:///PATH"
    )
    assert "s3cret" not in result.stderr


def test_settings_take_an_empty_database_url_as_the_default_sqlite_file():
    # As in .env.example, copied to .env unchanged.
    result = start(
        SECRET_KEY="x",
        DATABASE_URL="",
        argv=[
            "-c",
            "import django; django.setup(); from django.db import connection as c; "
            "print(c.vendor, c.settings_dict['NAME'])",
        ],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sqlite {BASE_DIR / 'db.sqlite3'}"


def test_settings_start_with_env_example_as_the_env_file():
    result = start(env_file=str(BASE_DIR / ".env.example"), argv=["manage.py", "check"])
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_file_fills_in_what_the_environment_does_not_set(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\nSECRET_KEY='from-the-file'\nSITE_URL=https://x.example/\n")
    result = start(
        env_file=str(env_file),
        SITE_URL="https://workshops.example.org",
        argv=[
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECRET_KEY, s.SITE_URL)",
        ],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-file https://workshops.example.org"


def test_env_file_with_a_malformed_line_names_the_file_and_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=x\nDEBUG true\n")
    assert failure(start(env_file=str(env_file))) == (
        f"django.core.exceptions.ImproperlyConfigured: {env_file}:2: expected KEY=VALUE, "
        "got 'DEBUG true'."
    )


def test_settings_offer_english_and_simplified_chinese():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "zh-hans"]


# SQLite set up for concurrent use


sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking set-up",
)


@sqlite_only
@pytest.mark.django_db
def test_sqlite_connection_uses_wal_journal_and_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    # IMMEDIATE: a transaction that has not written yet already holds the write lock, so a
    # second writer waits its busy timeout at BEGIN instead of failing at its first write.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with (
            transaction.atomic(),
            pytest.raises(sqlite3.OperationalError, match="database is locked"),
        ):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_site_hashes_passwords_with_a_slow_salted_hasher():
    # tests/conftest.py makes every test hash with MD5 for speed; the site itself must not.
    result = start(
        SECRET_KEY="x",
        argv=(
            "-c",
            "import django; django.setup(); from django.contrib.auth.hashers import get_hasher;"
            " print(get_hasher().algorithm)",
        ),
    )
    assert result.stdout.strip() == "pbkdf2_sha256", result.stderr
