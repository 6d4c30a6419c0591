"""One date style across the site, and Chinese dates written the Chinese way."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[2]
# A template names a format (DATE_FORMAT...), or a machine format (ISO for <time>, links).
ALLOWED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "c",
    "Y-m-d",
}


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Monday 15 March 2027", "Monday 15 March 2027, 09:05"),
        ("zh-hans", "2027年3月15日 星期一", "2027年3月15日 星期一 09:05"),
    ],
)
def test_dates_in_each_language(language, day, moment):
    with translation.override(language):
        assert formats.date_format(date(2027, 3, 15), "DATE_FORMAT") == day
        assert formats.date_format(datetime(2027, 3, 15, 9, 5), "DATETIME_FORMAT") == moment


def test_no_template_writes_a_date_pattern_of_its_own():
    found = []
    for template in ROOT.glob("*/templates/**/*.html"):
        for pattern in re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", template.read_text()):
            if pattern not in ALLOWED:
                found.append((template.relative_to(ROOT).as_posix(), pattern))
    assert found == []


def test_chinese_pages_show_no_month_words(client, organiser, workshop):
    client.force_login(organiser)
    client.cookies["django_language"] = "zh-hans"
    for address in (
        reverse("events:home"),
        reverse("reports:dashboard"),
        reverse("events:workshop_detail", args=[workshop.slug]),
    ):
        html = client.get(address, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "八月" not in html, address
        assert "2007年8月26日" in html, address
