"""Hostile uploads are refused in bounded time and memory: calendar files whose repeat rules
would run for hours, spreadsheets that claim millions of cells or unpack to gigabytes.

Each runs the real import (the organiser's upload page, or the reader it calls) under
tracemalloc and a clock; the bounds are generous, the attacks took minutes and gigabytes.
"""

import io
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from participants import imports

pytestmark = pytest.mark.django_db

# Generous, for a shared machine under tracemalloc: the attacks ran until the worker was
# killed (the .ics), or for over 60 s and 1.5 GB (the spreadsheets).
SECONDS = 20.0
PEAK_BYTES = 64 * 1024 * 1024


@contextmanager
def bounded():
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"


def ics(rule: str, start: str = "19700101T090000Z") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:a@x\r\nDTSTAMP:20070101T000000Z\r\nDTSTART:{start}\r\n"
        f"DTEND:{start[:-5]}5000Z\r\nSUMMARY:Probe\r\nRRULE:{rule}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def upload_calendar(client, workshop, data):
    url = reverse("events:timetable_import", kwargs={"slug": workshop.slug})
    return client.post(url, {"file": SimpleUploadedFile("t.ics", data, "text/calendar")})


@pytest.mark.parametrize(
    ("rule", "start", "problem"),
    [
        ("FREQ=MINUTELY", "19700101T090000Z", "Its repeat rule is not one a timetable uses"),
        ("FREQ=SECONDLY;INTERVAL=1", "20070827T090000Z", "Its repeat rule is not one"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "19700101T090000Z", "Its repeat rule is not"),
        ("FREQ=DAILY", "18000101T090000Z", "It repeats more than 2,000 times before"),
    ],
)
def test_timetable_import_of_a_hostile_recurrence_is_bounded(
    client, organiser, workshop, rule, start, problem
):
    data = ics(rule, start)
    assert len(data) < 400
    client.force_login(organiser)

    with bounded():
        uploaded = upload_calendar(client, workshop, data)
        preview = client.get(uploaded["Location"])

    assert uploaded.status_code == 302
    assert problem in preview.content.decode()
    # Every visit to the preview is as cheap.
    with bounded():
        assert client.get(uploaded["Location"]).status_code == 200


def test_timetable_import_of_a_daily_series_from_2005_keeps_the_workshops_days(
    client, organiser, workshop
):
    client.force_login(organiser)
    with bounded():
        uploaded = upload_calendar(client, workshop, ics("FREQ=DAILY", "20050101T090000Z"))
        preview = client.get(uploaded["Location"])

    # 26 to 31 August 2007: six occurrences, none of the 965 before.
    assert len(preview.context["events"]) == 6


def xlsx(build) -> bytes:
    workbook = Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header(sheet):
    sheet.append(["Name", "E-mail", "Gender"])
    sheet.append(["Li Mei", "li@example.org", "female"])


def far_corner(sheet):
    header(sheet)
    sheet["A1048576"] = "x"


def wide(sheet):
    header(sheet)
    sheet.cell(row=3, column=200, value="x")


def zip_bomb() -> bytes:
    """A real workbook with 200 MB of zeros packed beside it: a few hundred kilobytes."""
    buffer = io.BytesIO(xlsx(header))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (200 * 1024 * 1024))
    return buffer.getvalue()


def upload_sheet(client, workshop, name, content):
    url = reverse("participants:nominations_import", kwargs={"slug": workshop.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("corner.xlsx", lambda: xlsx(far_corner), "The sheet goes on past row 5,000."),
        ("xfd.xlsx", lambda: xlsx(lambda s: s.cell(row=1, column=16384, value="x")), "16384"),
        ("wide.xlsx", lambda: xlsx(wide), "The sheet has 200 columns; at most 50 can be read."),
        ("bomb.xlsx", zip_bomb, "The workbook unpacks to 200 MB; at most 20 MB can be read."),
        (
            "wide.csv",
            lambda: b"Name,E-mail\nLi," + b"," * 500_000 + b"x\n",
            "Row 2 has more than 50 columns",
        ),
        (
            "nul.csv",
            lambda: b"Name,E-mail\nLi\x00Mei,li@example.org\n",
            "Row 2, column 1 holds a character that cannot be stored",
        ),
    ],
)
def test_nominations_import_of_a_hostile_file_is_refused_in_bounded_time_and_memory(
    client, organiser, workshop, name, content, message
):
    data = content()
    assert len(data) <= imports.MAX_BYTES
    client.force_login(organiser)

    with bounded():
        response = upload_sheet(client, workshop, name, data)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_timetable_import_of_a_malformed_end_is_refused_not_a_500(client, organiser, workshop):
    data = ics("FREQ=DAILY;COUNT=2", "20070827T090000Z").replace(
        b"DTEND:20070827T095000Z", b"DTEND:20070827T0900500Z"
    )
    client.force_login(organiser)

    response = upload_calendar(client, workshop, data)

    # The damaged event is shown with what is wrong with it, in the organiser's words (the
    # file's readable events would still be offered); never a 500.
    assert response.status_code == 302
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "Its end (DTEND) cannot be read" in preview.content.decode()
