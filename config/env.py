"""Tiny readers for settings taken from environment variables.

Each fails loudly, naming the variable, so that a typo in a deployment stops the process at
start instead of running with a silently wrong value (after healthchecks' ``envbool``).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str, **options) -> dict:
    """The database described by the URL in ``name`` (``default`` when unset or empty)."""
    url = os.environ.get(name, "").strip() or default
    rule = "a database URL such as postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:///PATH"
    # The URL itself may hold a password: name the variable and the rule, not the value.
    try:
        database = dj_database_url.parse(url, **options)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be {rule} ({error}).") from None
    if not database.get("NAME"):
        raise ImproperlyConfigured(f"{name} must be {rule}: it names no database.")
    return database


def load_dotenv(path) -> None:
    """Read KEY=VALUE lines from ``path`` into the environment, never overriding it.

    Lets a developer keep local settings in ``.env`` (see ``.env.example``); a real
    deployment sets real environment variables and needs no file.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE, got {line!r}.")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))
