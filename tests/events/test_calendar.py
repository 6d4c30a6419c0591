"""The calendar builder: every field parsed back, the wire format checked on raw bytes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events.calendar import calendar_for_sessions, event_fields
from events.feeds import calendar_sessions, load_calendar_sessions
from events.models import Session, Workshop
from tests.conftest import SHANGHAI, at
from tests.events.calendar_support import (
    assert_wire_format,
    events_by_uid,
    parse,
    taught_lecture,
)

BERLIN = ZoneInfo("Europe/Berlin")


def loaded(*sessions):
    """The sessions as a feed loads them: workshop, room, trainers' agencies and topics."""
    return list(calendar_sessions(Session.objects.filter(pk__in=[s.pk for s in sessions])))


def expected_workshop_url(workshop) -> str:
    try:
        path = reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
    except NoReverseMatch:
        path = "/"
    return f"{settings.SITE_URL}{path}"


@pytest.fixture
def lecture(make_workshop, make_session):
    workshop = make_workshop(
        title="National Anti-Trafficking Workshop",
        slug="lijiang-2007",
        venue="Guanfang Hotel",
        city="Lijiang",
    )
    lecture, *_cast = taught_lecture(
        workshop, kind=Session.Kind.LECTURE, description="Case material from Yunnan."
    )
    return lecture


def test_calendar_for_sessions_carries_every_field(lecture):
    body = calendar_for_sessions(loaded(lecture), name="National Anti-Trafficking Workshop")
    calendar = parse(body)

    assert str(calendar["PRODID"]) == "-//Workshops//Timetable calendar//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "National Anti-Trafficking Workshop"
    assert str(calendar["NAME"]) == "National Anti-Trafficking Workshop"
    assert "METHOD" not in calendar
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]

    (event,) = calendar.walk("VEVENT")
    lecture.refresh_from_db()
    assert str(event["UID"]) == lecture.uid
    assert event["DTSTAMP"].dt == lecture.updated_at.replace(microsecond=0)
    assert event["DTSTART"].dt == datetime(2007, 8, 27, 9, tzinfo=SHANGHAI)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTEND"].dt == datetime(2007, 8, 27, 10, 30, tzinfo=SHANGHAI)
    assert event["DTEND"].params["TZID"] == "Asia/Shanghai"
    assert str(event["SUMMARY"]) == "Identifying victims"
    assert str(event["DESCRIPTION"]) == (
        "Lecture\n"
        "Trainers: Prof. Zhang Wei (张伟), Deputy Director-General, MPS\n"
        "Topics: Cross-border cooperation, Victim identification\n"
        "\n"
        "Case material from Yunnan."
    )
    assert str(event["LOCATION"]) == "Jade Hall, Guanfang Hotel, Lijiang"
    assert str(event["URL"]) == expected_workshop_url(lecture.workshop)
    assert event["LAST-MODIFIED"].dt == lecture.updated_at.replace(microsecond=0)
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "ORGANIZER" not in event
    assert b"DTSTART;TZID=Asia/Shanghai:20070827T090000\r\n" in body


def test_calendar_for_sessions_wire_format_is_crlf_and_folded(lecture):
    Session.objects.filter(pk=lecture.pk).update(description="A long description. " * 40)
    body = calendar_for_sessions(loaded(lecture), name="Workshop")

    assert_wire_format(body)
    assert b"\r\n " in body  # the description was folded


def test_calendar_for_sessions_folds_chinese_without_breaking_characters(lecture):
    text = "人口贩卖受害者的识别与保护、以及跨境合作机制。" * 12
    Session.objects.filter(pk=lecture.pk).update(description=text, title_local="受害者识别")
    body = calendar_for_sessions(loaded(lecture), name="反对拐卖人口培训班")

    assert_wire_format(body)  # every physical line <= 75 octets and valid UTF-8 on its own
    folded = [line for line in body.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) > 10
    event = parse(body).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).endswith("\n\n" + text)
    assert str(event["DESCRIPTION"]).startswith("受害者识别\nLecture\n")
    assert str(parse(body)["X-WR-CALNAME"]) == "反对拐卖人口培训班"


def test_calendar_for_sessions_escapes_commas_semicolons_and_newlines(lecture):
    Session.objects.filter(pk=lecture.pk).update(
        title="Opening; welcome, introductions",
        description="First line\nSecond; with, punctuation\\",
    )
    body = calendar_for_sessions(loaded(lecture), name="A, B; C")

    assert b"SUMMARY:Opening\\; welcome\\, introductions\r\n" in body
    assert b"X-WR-CALNAME:A\\, B\\; C\r\n" in body
    assert b"NAME:A\\, B\\; C\r\n" in body
    unfolded = body.replace(b"\r\n ", b"")
    assert b"\\n\\nFirst line\\nSecond\\; with\\, punctuation\\\\\r\n" in unfolded
    event = parse(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Opening; welcome, introductions"
    assert str(event["DESCRIPTION"]).endswith("\n\nFirst line\nSecond; with, punctuation\\")


def test_calendar_for_sessions_keeps_berlin_wall_clock_across_end_of_summer_time(
    make_workshop, make_session
):
    # Summer time ends on the last Sunday of October: 27 October 2024, 03:00 -> 02:00.
    workshop = make_workshop(
        title="Berlin Workshop",
        start_date=date(2024, 10, 25),
        end_date=date(2024, 10, 29),
        timezone="Europe/Berlin",
    )
    before = make_session(
        workshop,
        title="Saturday",
        starts_at=datetime(2024, 10, 26, 9, tzinfo=BERLIN),
        ends_at=datetime(2024, 10, 26, 10, tzinfo=BERLIN),
    )
    after = make_session(
        workshop,
        title="Monday",
        starts_at=datetime(2024, 10, 28, 9, tzinfo=BERLIN),
        ends_at=datetime(2024, 10, 28, 10, tzinfo=BERLIN),
    )
    body = calendar_for_sessions(loaded(before, after), name="Berlin")

    assert b"DTSTART;TZID=Europe/Berlin:20241026T090000\r\n" in body
    assert b"DTSTART;TZID=Europe/Berlin:20241028T090000\r\n" in body
    calendar = parse(body)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    assert vtimezone.walk("STANDARD")
    assert vtimezone.walk("DAYLIGHT")
    # The file's own VTIMEZONE puts the change between the two sessions.
    zone = vtimezone.to_tz(lookup_tzid=False)
    saturday, monday = (events_by_uid(calendar)[s.uid]["DTSTART"].dt for s in (before, after))
    assert saturday.replace(tzinfo=zone).utcoffset() == timedelta(hours=2)
    assert monday.replace(tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert saturday.astimezone(UTC).hour == 7
    assert monday.astimezone(UTC).hour == 8


def test_calendar_for_sessions_uid_survives_an_edit_while_sequence_grows(lecture):
    first = events_by_uid(parse(calendar_for_sessions(loaded(lecture), name="W")))

    session = Session.objects.get(pk=lecture.pk)
    session.title = "Identifying and protecting victims"
    session.save()
    retitled = events_by_uid(parse(calendar_for_sessions(loaded(lecture), name="W")))

    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()
    moved = events_by_uid(parse(calendar_for_sessions(loaded(lecture), name="W")))

    assert list(first) == list(retitled) == list(moved) == [lecture.uid]
    assert [e[lecture.uid]["SEQUENCE"] for e in (first, retitled, moved)] == [0, 0, 1]
    assert moved[lecture.uid]["DTSTART"].dt == datetime(2007, 8, 27, 10, tzinfo=SHANGHAI)
    assert str(moved[lecture.uid]["SUMMARY"]) == "Identifying and protecting victims"


def test_calendar_for_sessions_keeps_cancelled_session_as_cancelled(lecture, make_session):
    kept = make_session(lecture.workshop, title="Plenary", starts_at=at(28, 9), ends_at=at(28, 10))
    session = Session.objects.get(pk=lecture.pk)
    session.status = Session.Status.CANCELLED
    session.save()

    events = events_by_uid(parse(calendar_for_sessions(loaded(lecture, kept), name="W")))

    assert str(events[lecture.uid]["STATUS"]) == "CANCELLED"
    assert events[lecture.uid]["SEQUENCE"] == 1
    assert str(events[lecture.uid]["DESCRIPTION"]).startswith("Cancelled\nLecture\n")
    assert str(events[kept.uid]["STATUS"]) == "CONFIRMED"


def test_calendar_for_sessions_cancels_every_session_of_a_cancelled_workshop(lecture):
    Workshop.objects.filter(pk=lecture.workshop_id).update(status=Workshop.Status.CANCELLED)

    (event,) = parse(calendar_for_sessions(loaded(lecture), name="W")).walk("VEVENT")

    assert str(event["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(("method", "status"), [("REQUEST", "CONFIRMED"), ("CANCEL", "CANCELLED")])
def test_calendar_for_sessions_invitation_methods(lecture, method, status, settings):
    settings.DEFAULT_FROM_EMAIL = "workshops@example.org"
    before = timezone.now().replace(microsecond=0)

    body = calendar_for_sessions(loaded(lecture), name="W", method=method)

    calendar = parse(body)
    assert str(calendar["METHOD"]) == method
    assert "REFRESH-INTERVAL" not in calendar
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == status
    assert str(event["UID"]) == lecture.uid
    assert str(event["ORGANIZER"]) == "mailto:workshops@example.org"
    assert event["ORGANIZER"].params["CN"] == "National Anti-Trafficking Workshop"
    assert event["DTSTAMP"].dt >= before  # when the message was made, not the last edit
    assert_wire_format(body)


def test_calendar_for_sessions_rejects_unknown_method(lecture):
    with pytest.raises(ValueError, match="Unknown iTIP method 'PUBLISHED'"):
        calendar_for_sessions(loaded(lecture), name="W", method="PUBLISHED")


def test_calendar_for_sessions_one_vtimezone_per_zone(make_workshop, make_session):
    berlin = make_workshop(
        title="Berlin",
        slug="berlin",
        start_date=date(2024, 10, 25),
        end_date=date(2024, 10, 29),
        timezone="Europe/Berlin",
    )
    lijiang = make_workshop(title="Lijiang", slug="lijiang")
    sessions = [
        make_session(
            berlin,
            starts_at=datetime(2024, 10, 26, 9, tzinfo=BERLIN),
            ends_at=datetime(2024, 10, 26, 10, tzinfo=BERLIN),
        ),
        make_session(lijiang),
        make_session(lijiang, starts_at=at(28, 9), ends_at=at(28, 10)),
    ]

    calendar = parse(calendar_for_sessions(loaded(*sessions), name="Mine"))

    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "Asia/Shanghai",
        "Europe/Berlin",
    ]
    assert len(calendar.walk("VEVENT")) == 3


def test_calendar_for_sessions_location_falls_back_to_the_workshop(make_workshop, make_session):
    workshop = make_workshop(venue="Guanfang Hotel", city="Lijiang")
    session = make_session(workshop)

    (event,) = parse(calendar_for_sessions(loaded(session), name="W")).walk("VEVENT")

    assert str(event["LOCATION"]) == "Guanfang Hotel, Lijiang"
    assert str(event["DESCRIPTION"]) == "Lecture"


def test_event_fields_runs_no_query_on_loaded_sessions(
    lecture, make_session, django_assert_num_queries
):
    make_session(lecture.workshop, starts_at=at(28, 9), ends_at=at(28, 10))
    sessions = list(calendar_sessions(lecture.workshop.sessions.all()))

    with django_assert_num_queries(0):
        calendar_for_sessions(sessions, name="W")
        event_fields(sessions)


def test_calendar_for_sessions_same_bytes_from_model_instances_and_loaded_rows(
    lecture, make_session, django_assert_num_queries
):
    cancelled = make_session(
        lecture.workshop, title="Dropped", starts_at=at(28, 9), ends_at=at(28, 10)
    )
    Session.objects.filter(pk=cancelled.pk).update(
        status=Session.Status.CANCELLED, title_local="取消"
    )
    queryset = lecture.workshop.sessions.all()

    # The sessions with workshop and room; the trainers with agencies; the topics.
    with django_assert_num_queries(3):
        rows = load_calendar_sessions(queryset)

    assert [s.uid for s in rows] == [lecture.uid, cancelled.uid]
    assert calendar_for_sessions(rows, name="W") == calendar_for_sessions(
        list(calendar_sessions(queryset)), name="W"
    )
