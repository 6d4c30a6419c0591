"""Logging that keeps personal links out of the logs.

A personal page (/r/<token>/) and a personal or trainer calendar feed carry their secret in
the path (so do trainers' pages, self check-in codes, certificate codes and password-reset
links), and Django's request loggers (``django.request`` for errors, ``django.server`` for
runserver's access lines) write paths. Outside DEBUG the secret is replaced by ``…``.
"""

import logging
import re

from django.conf import settings

# Every URL that carries a secret: personal and trainer pages, their feeds and API twins,
# self check-in codes, certificate verification codes, password-reset links.
_SECRET_IN_PATH = re.compile(
    r"(/r/|/t/|/feeds/people/|/feeds/trainers/|/api/v1/personal/|/api/v1/trainer-links/"
    r"|/certificates/|/checkin/\d+/|/accounts/password-reset/[^/\s?\"']+/)[^/\s?\"'.]+"
)


def hide_personal_links(text: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1…", text)


class HidePersonalLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if settings.DEBUG:
            return True
        message = record.getMessage()
        hidden = hide_personal_links(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
