"""Personal links stay out of the logs outside DEBUG."""

import logging

import pytest

from config.logging import HidePersonalLinks


def record(message, *args):
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/r/Abc123-_xyz/", "/r/…/"),
        ("/r/Abc123/cancel/", "/r/…/cancel/"),
        ("/feeds/people/Abc123.ics", "/feeds/people/….ics"),
        ("/feeds/trainers/Abc123.ics", "/feeds/trainers/….ics"),
        ("/w/lijiang/", "/w/lijiang/"),
    ],
)
def test_request_log_line_hides_the_secret_outside_debug(settings, path, shown):
    settings.DEBUG = False
    line = record('"%s" %s %s', f"GET {path} HTTP/1.1", 200, 512)

    assert HidePersonalLinks().filter(line) is True
    assert line.getMessage() == f'"GET {shown} HTTP/1.1" 200 512'


def test_request_log_line_keeps_the_path_in_debug(settings):
    settings.DEBUG = True
    line = record("Not Found: %s", "/r/Abc123/")

    HidePersonalLinks().filter(line)

    assert line.getMessage() == "Not Found: /r/Abc123/"


def test_the_console_handler_carries_the_filter(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["hide_personal_links"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
