"""Importing a timetable from an Outlook-shaped calendar file: preview, problems, re-import."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.ical_import import (
    MAX_FILE_BYTES,
    CalendarFileError,
    import_sessions,
    preview_import,
    read_calendar,
)
from events.models import Session, Trainer
from tests.conftest import SHANGHAI, at
from tests.events.calendar_support import lijiang_cast

OUTLOOK = Path(__file__).parent / "data" / "outlook-lijiang.ics"
VICTIMS_UID = (
    "040000008200E00074C5B7101A82E0080000000010B3F2D1A6D5C701000000000000000010000000"
    "C5D1B2A3F4E5D6C7B8A9F0E1D2C3B4A5"
)
PLENARY_UID = (
    "040000008200E00074C5B7101A82E0080000000040B3F2D1A6D5C701000000000000000010000000"
    "C5D1B2A3F4E5D6C7B8A9F0E1D2C3B4A8"
)


@pytest.fixture
def cast(workshop):
    return lijiang_cast()


@pytest.fixture
def booked(workshop, cast, make_session):
    """Jade Hall is already taken on 28 August, 14:00-15:00."""
    _, room, _ = cast
    return make_session(
        workshop, title="Existing session", starts_at=at(28, 14), ends_at=at(28, 15), room=room
    )


def outlook_file() -> bytes:
    return OUTLOOK.read_bytes()


def by_title(events):
    return {e.title: e for e in events}


def local(event):
    return (event.starts_at.astimezone(SHANGHAI), event.ends_at.astimezone(SHANGHAI))


def test_outlook_file_is_real_world_shaped():
    raw = outlook_file()

    assert b"\r\n " in raw  # folded lines
    assert b"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time" in raw
    assert b"DTSTART;VALUE=DATE:20070826" in raw
    assert b"RRULE:FREQ=DAILY;COUNT=5" in raw
    assert raw.count(b"\r\n") == raw.count(b"\n")


def test_preview_import_reads_each_event_as_a_session(workshop, cast, booked):
    trainer, room, _ = cast

    events = by_title(preview_import(workshop, outlook_file()))

    victims = events["Identifying victims"]
    assert victims.action == "create"
    assert victims.uid == VICTIMS_UID
    assert local(victims) == (at(27, 9), at(27, 10, 30))
    assert victims.room == room
    assert victims.trainers == [trainer]  # matched by e-mail; the other attendee is ignored
    assert victims.kind == "lecture"
    # Unfolded intact, though the fold fell inside the Chinese text.
    assert victims.description.startswith("识别人口贩卖受害者：指标")  # noqa: RUF001
    assert victims.description.endswith("\nBring the handout, please.")
    assert victims.problems == []
    assert victims.warnings == []


def test_preview_import_honours_the_files_windows_time_zone(workshop, cast, booked):
    geneva = by_title(preview_import(workshop, outlook_file()))["Briefing from Geneva"]

    # 09:00 in Geneva in August (UTC+2) is 15:00 in Lijiang.
    assert local(geneva) == (at(27, 15), at(27, 16))
    assert geneva.room is None
    assert geneva.warnings == ["No room is called “Online (Geneva)”: the session gets no room."]
    assert geneva.importable


def test_preview_import_reads_floating_times_in_the_workshops_zone(workshop, cast, booked):
    reception = by_title(preview_import(workshop, outlook_file()))["Evening reception"]

    assert local(reception) == (at(29, 19), at(29, 21))
    assert reception.kind == "ceremony"  # from CATEGORIES


def test_preview_import_marks_problems(workshop, cast, booked):
    events = by_title(preview_import(workshop, outlook_file()))

    assert events["Arrival and registration"].problems == [
        "An all-day event has no times; give it a start and an end."
    ]
    assert events["Follow-up meeting"].problems == [
        "The session must lie within the workshop's dates, "
        "Sunday 26 August 2007 to Friday 31 August 2007 (Asia/Shanghai)."
    ]
    assert events["Case study: the Hekou route"].problems == [
        "Jade Hall, Guanfang Hotel is also booked for “Existing session” "
        "(National Anti-Trafficking Workshop, Tuesday 28 August 2007, 14:00)."
    ]
    photo = events["Group photograph"]
    assert photo.warnings == ["No end time in the file: it is given 60 minutes."]
    assert local(photo) == (at(28, 12), at(28, 13))
    assert photo.importable
    assert events["Closing ceremony"].problems == [
        "Cancelled in the file, and there is no session to cancel."
    ]
    assert {e.title for e in events.values() if not e.importable} == {
        "Arrival and registration",
        "Follow-up meeting",
        "Case study: the Hekou route",
        "Closing ceremony",
    }


def test_preview_import_expands_a_recurring_event_within_the_workshop(workshop, cast, booked):
    plenaries = [e for e in preview_import(workshop, outlook_file()) if e.recurrence]

    # Daily from the 27th, five times, less the 29th (EXDATE); the 30th moved to 08:45.
    assert [local(e) for e in plenaries] == [
        (at(27, 8, 30), at(27, 9)),
        (at(28, 8, 30), at(28, 9)),
        (at(30, 8, 45), at(30, 9, 15)),
        (at(31, 8, 30), at(31, 9)),
    ]
    assert [e.title for e in plenaries] == [
        "Morning plenary",
        "Morning plenary",
        "Morning plenary (late start)",
        "Morning plenary",
    ]
    assert [e.uid for e in plenaries] == [
        f"{PLENARY_UID}/20070827T003000Z",
        f"{PLENARY_UID}/20070828T003000Z",
        f"{PLENARY_UID}/20070830T003000Z",
        f"{PLENARY_UID}/20070831T003000Z",
    ]
    assert all(e.importable for e in plenaries)


def test_preview_import_writes_nothing(workshop, cast, booked):
    preview_import(workshop, outlook_file())

    assert list(Session.objects.values_list("title", flat=True)) == ["Existing session"]


def test_preview_import_finds_clashes_within_the_file(workshop, cast):
    text = outlook_file().replace(
        b'DTSTART;TZID="China Standard Time":20070828T143000',
        b'DTSTART;TZID="China Standard Time":20070828T083000',
    )

    events = by_title(preview_import(workshop, text))

    # The case study now overlaps the plenary of the 28th in Jade Hall.
    assert events["Case study: the Hekou route"].problems == [
        "Jade Hall, Guanfang Hotel is also booked for “Morning plenary” "
        "(National Anti-Trafficking Workshop, Tuesday 28 August 2007, 08:30)."
    ]


def test_import_sessions_then_reimport_updates_by_uid(workshop, cast, booked):
    trainer, room, _ = cast
    events = preview_import(workshop, outlook_file())
    chosen = {e.uid for e in events if e.importable}

    first = import_sessions(workshop=workshop, events=events, chosen=chosen)

    assert (first.created, first.updated) == (8, 0)
    victims = Session.objects.get(uid=VICTIMS_UID)
    assert (victims.title, victims.kind, victims.room, victims.sequence) == (
        "Identifying victims",
        "lecture",
        room,
        0,
    )
    assert list(victims.trainers.all()) == [trainer]
    count = Session.objects.count()

    moved = (
        outlook_file()
        .replace(
            b'DTEND;TZID="China Standard Time":20070827T103000',
            b'DTEND;TZID="China Standard Time":20070827T123000',
        )
        .replace(
            b'DTSTART;TZID="China Standard Time":20070827T090000',
            b'DTSTART;TZID="China Standard Time":20070827T110000',
        )
    )
    again = preview_import(workshop, moved)
    # Only the moved event changes its session; the others already say what the file says.
    assert [e.title for e in again if e.action == "update"] == ["Identifying victims"]
    assert {e.action for e in again if e.importable} == {"update", "unchanged"}
    second = import_sessions(
        workshop=workshop, events=again, chosen={e.uid for e in again if e.importable}
    )

    assert (second.created, second.updated) == (0, 1)
    assert Session.objects.count() == count  # no duplicates
    victims = Session.objects.get(uid=VICTIMS_UID)
    assert (victims.starts_at, victims.ends_at) == (at(27, 11), at(27, 12, 30))
    assert victims.sequence == 1  # moved: calendars must take the new version
    plenary = Session.objects.get(uid=f"{PLENARY_UID}/20070827T003000Z")
    assert plenary.sequence == 0  # unchanged


def test_import_sessions_imports_only_the_chosen(workshop, cast, booked):
    events = preview_import(workshop, outlook_file())

    result = import_sessions(
        workshop=workshop, events=events, chosen={VICTIMS_UID, "not-in-the-file"}
    )

    assert (result.created, result.updated) == (1, 0)
    assert Session.objects.filter(workshop=workshop).count() == 2


def test_import_sessions_never_imports_an_event_with_problems(workshop, cast, booked):
    events = preview_import(workshop, outlook_file())
    all_day = by_title(events)["Arrival and registration"]

    result = import_sessions(workshop=workshop, events=events, chosen={all_day.uid})

    assert (result.created, result.updated) == (0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a calendar", "This is not an iCalendar file: it must begin with BEGIN:VCALENDAR."),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "The calendar file holds no events.",
        ),
        (
            "BEGIN:VCALENDAR\r\n".encode("utf-16"),
            "The file is not UTF-8 text; export it again as an iCalendar (.ics) file.",
        ),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * MAX_FILE_BYTES, "The file is too large: at most 1 MB."),
    ],
)
def test_read_calendar_refuses_unreadable_files(data, message):
    with pytest.raises(CalendarFileError) as error:
        read_calendar(data)

    assert str(error.value) == message


def test_preview_import_repeats_never_inside_the_workshop(workshop):
    text = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:weekly@example.org\r
SUMMARY:Weekly call\r
DTSTART;TZID=Asia/Shanghai:20070903T090000\r
DTEND;TZID=Asia/Shanghai:20070903T100000\r
RRULE:FREQ=WEEKLY;UNTIL=20071231\r
END:VEVENT\r
END:VCALENDAR\r
"""
    (event,) = preview_import(workshop, text)

    assert event.problems == [
        "It repeats, but never within the workshop's dates "
        "(Sunday 26 August 2007 to Friday 31 August 2007)."
    ]


def test_preview_import_reads_iana_zones_and_warns_of_unknown_ones(workshop):
    text = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:berlin@example.org\r
SUMMARY:From Berlin\r
DTSTART;TZID=Europe/Berlin:20070827T090000\r
DTEND;TZID=Europe/Berlin:20070827T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:nowhere@example.org\r
SUMMARY:From nowhere\r
DTSTART;TZID=Nowhere/Zone:20070828T090000\r
DTEND;TZID=Nowhere/Zone:20070828T100000\r
END:VEVENT\r
END:VCALENDAR\r
"""
    berlin, nowhere = preview_import(workshop, text)

    assert local(berlin) == (at(27, 15), at(27, 16))
    assert local(nowhere) == (at(28, 9), at(28, 10))
    assert nowhere.warnings == [
        "Unknown time zone “Nowhere/Zone”: times read in the workshop's time zone."
    ]


# --- the organiser's pages ----------------------------------------------------------------


def import_url(workshop, step=""):
    name = "events:timetable_import_confirm" if step == "confirm" else "events:timetable_import"
    return reverse(name, kwargs={"slug": workshop.slug})


def upload(client, workshop, data=None, name="timetable.ics"):
    file = SimpleUploadedFile(name, outlook_file() if data is None else data, "text/calendar")
    return client.post(import_url(workshop), {"file": file})


def test_timetable_import_is_for_the_workshops_organisers(
    client, workshop, organiser, other_organiser
):
    anonymous = client.get(import_url(workshop))
    client.force_login(other_organiser)
    other = client.get(import_url(workshop))
    other_confirm = client.post(import_url(workshop, "confirm"))
    client.force_login(organiser)
    own = client.get(import_url(workshop))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert other.status_code == 404
    assert other_confirm.status_code == 404
    assert own.status_code == 200
    assert "Calendar file (.ics)" in own.content.decode()


def test_timetable_import_refuses_a_file_that_is_not_a_calendar(client, workshop, organiser):
    client.force_login(organiser)

    response = upload(client, workshop, b"Subject,Start Date\r\nOpening,27/08/2007\r\n", "x.csv")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["This is not an iCalendar file: it must begin with BEGIN:VCALENDAR."]
    }


def test_timetable_import_preview_then_confirm(client, workshop, organiser, cast, booked):
    client.force_login(organiser)

    uploaded = upload(client, workshop)
    assert uploaded.status_code == 302
    assert uploaded["Location"] == import_url(workshop, "confirm")
    preview = client.get(import_url(workshop, "confirm"))

    assert Session.objects.count() == 1  # nothing written yet
    page = preview.content.decode()
    assert "Preview of “timetable.ics”" in page
    assert "New sessions: 8; sessions updated: 0; not importable: 4." in page
    assert "An all-day event has no times; give it a start and an end." in page
    assert "Jade Hall, Guanfang Hotel is also booked for “Existing session”" in page
    assert "No end time in the file: it is given 60 minutes." in page
    assert page.count('name="event"') == 8
    importable = [e.uid for e in preview.context["events"] if e.importable]

    chosen = [uid for uid in importable if uid != VICTIMS_UID]
    confirmed = client.post(
        import_url(workshop, "confirm"), {"event": chosen, "digest": preview.context["digest"]}
    )

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("events:timetable", kwargs={"slug": workshop.slug})
    assert Session.objects.filter(workshop=workshop).count() == 1 + 7
    assert not Session.objects.filter(uid=VICTIMS_UID).exists()
    followed = client.get(confirmed["Location"])
    assert "Imported from the calendar file: 7 new, 0 updated." in followed.content.decode()
    # The upload is forgotten once imported.
    assert client.get(import_url(workshop, "confirm"))["Location"] == import_url(workshop)


def test_timetable_import_confirm_needs_a_choice_and_the_same_file(
    client, workshop, organiser, cast, booked
):
    client.force_login(organiser)
    upload(client, workshop)
    digest = client.get(import_url(workshop, "confirm")).context["digest"]

    nothing = client.post(import_url(workshop, "confirm"), {"digest": digest})
    stale = client.post(import_url(workshop, "confirm"), {"event": [VICTIMS_UID], "digest": "x"})

    assert nothing.status_code == 200
    assert "Choose at least one session to import." in nothing.content.decode()
    assert stale.status_code == 302
    assert Session.objects.count() == 1


def test_timetable_import_confirm_without_an_upload_goes_back(client, workshop, organiser):
    client.force_login(organiser)

    response = client.get(import_url(workshop, "confirm"))

    assert response.status_code == 302
    assert response["Location"] == import_url(workshop)


def test_timetable_import_times_are_aware(workshop, cast, booked):
    events = preview_import(workshop, outlook_file())

    assert all(
        isinstance(e.starts_at, datetime) and e.starts_at.tzinfo is not None
        for e in events
        if e.starts_at
    )


def programme_file(count: int) -> bytes:
    """``count`` events in Jade Hall taught by Zhang Wei, in 15-minute slots from 26 August
    09:00: the first four overlap the session already booked there at 09:00-10:00."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Programme//EN"]
    for n in range(count):
        start = at(26, 9) + timedelta(minutes=15 * n)
        lines += [
            "BEGIN:VEVENT",
            f"UID:programme-{n}@example.org",
            "DTSTAMP:20070801T000000Z",
            f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{(start + timedelta(minutes=15)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Session {n}",
            "LOCATION:Jade Hall",
            "ATTENDEE;CN=Zhang Wei:mailto:zhang.wei@example.org",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("count", [3, 300])
def test_timetable_import_preview_queries_do_not_grow_with_the_file(
    client, workshop, organiser, cast, make_session, count, django_assert_num_queries
):
    trainer, room, _ = cast
    make_session(workshop, title="Booked", starts_at=at(26, 9), ends_at=at(26, 10), room=room,
                 trainers=[trainer])  # fmt: skip
    client.force_login(organiser)
    upload(client, workshop, programme_file(count))

    # 1 session, 2 user, 3 workshop (organiser look-up), 4 rooms and 5 trainers to match,
    # 6 the workshop's sessions with the file's UIDs, 7 the saved sessions that share a room
    # or a trainer with any event and overlap the file's span, 8 their trainers.
    with django_assert_num_queries(8):
        response = client.get(import_url(workshop, "confirm"))

    events = response.context["events"]
    assert len(events) == count
    clashing = [e.title for e in events if e.problems]
    assert clashing == [f"Session {n}" for n in range(min(count, 4))]
    assert events[0].problems == [
        "Prof. Zhang Wei also teaches “Booked” (National Anti-Trafficking Workshop, "
        "Sunday 26 August 2007, 09:00).",
        "Jade Hall, Guanfang Hotel is also booked for “Booked” (National Anti-Trafficking "
        "Workshop, Sunday 26 August 2007, 09:00).",
    ]
    assert response.content.decode().count('name="event"') == count - len(clashing)


# Damaged files: never a server error, a message in the organiser's words, the readable
# events still offered ------------------------------------------------------------------------

GOOD = (
    "BEGIN:VEVENT\r\nUID:good@x\r\nSUMMARY:Good one\r\n"
    "DTSTART;TZID=Asia/Shanghai:20070827T090000\r\nDTEND;TZID=Asia/Shanghai:20070827T100000\r\n"
    "END:VEVENT\r\n"
)


def damaged(event: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        + event
        + GOOD
        + "END:VCALENDAR\r\n"
    ).encode()


DAMAGED = {
    "two-dtstart": (
        "BEGIN:VEVENT\r\nUID:a@x\r\nSUMMARY:Broken\r\nDTSTART:20070827T090000\r\n"
        "DTSTART:20070827T100000\r\nDTEND:20070827T110000\r\nEND:VEVENT\r\n",
        "It has two start (DTSTART) values; an event has one.",
    ),
    "invalid-date": (
        "BEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:Broken\r\nDTSTART:20070832T090000\r\n"
        "DTEND:20070827T110000\r\nEND:VEVENT\r\n",
        "Its start (DTSTART) cannot be read: a date or time that does not exist",
    ),
    "invalid-end": (
        "BEGIN:VEVENT\r\nUID:f@x\r\nSUMMARY:Broken\r\nDTSTART:20070827T090000\r\n"
        "DTEND:notadate\r\nEND:VEVENT\r\n",
        "Its end (DTEND) cannot be read",
    ),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_event_is_reported_and_the_rest_offered(client, workshop, organiser, case):
    event, expected = DAMAGED[case]
    client.force_login(organiser)
    uploaded = upload(client, workshop, damaged(event))
    assert uploaded.status_code == 302
    response = client.get(uploaded.url)  # the preview, read from what was uploaded
    assert response.status_code == 200
    events = {e.title: e for e in response.context["events"]}
    assert events["Good one"].importable
    [problem] = events["Broken"].problems
    assert problem.startswith(expected)
    assert problem.endswith("Correct it in your calendar program and export the file again.")
    assert "broken property" not in response.content.decode()
    # Asked again (a reload), the preview still answers.
    assert client.get(uploaded.url).status_code == 200


def test_a_duration_with_a_trailing_space_is_read(workshop):
    event = (
        "BEGIN:VEVENT\r\nUID:c@x\r\nSUMMARY:Spaced\r\nDTSTART;TZID=Asia/Shanghai:20070827T140000\r\n"
        "DURATION:PT1H30M \r\nEND:VEVENT\r\n"
    )
    events = by_title(preview_import(workshop, damaged(event)))
    assert events["Spaced"].importable
    assert events["Spaced"].ends_at - events["Spaced"].starts_at == timedelta(minutes=90)


def test_a_google_all_day_event_is_all_day_not_24_hours(workshop):
    event = (
        "BEGIN:VEVENT\r\nUID:d@x\r\nSUMMARY:Excursion\r\nDTSTART;TZID=Asia/Shanghai:20070828\r\n"
        "DTEND;TZID=Asia/Shanghai:20070829\r\nEND:VEVENT\r\n"
    )
    excursion = by_title(preview_import(workshop, damaged(event)))["Excursion"]
    assert excursion.problems == ["An all-day event has no times; give it a start and an end."]


def test_an_empty_tzid_falls_back_to_the_workshops_zone_with_a_warning(workshop):
    event = (
        "BEGIN:VEVENT\r\nUID:e@x\r\nSUMMARY:Zoneless\r\nDTSTART;TZID=:20070827T150000\r\n"
        "DTEND;TZID=:20070827T160000\r\nEND:VEVENT\r\n"
    )
    zoneless = by_title(preview_import(workshop, damaged(event)))["Zoneless"]
    assert zoneless.importable
    assert local(zoneless) == ("2007-08-27 15:00", "16:00") or zoneless.starts_at == at(27, 15)
    assert zoneless.warnings == [
        "The file names no time zone for it (an empty TZID): times read in Asia/Shanghai."
    ]


def test_importing_our_own_feed_back_keeps_the_description_as_it_was(workshop, make_session):
    from events.calendar import calendar_for_sessions
    from events.feeds import load_calendar_sessions

    trainer = Trainer.objects.create(name="Zhang Jun", honorific="Prof.")
    session = make_session(
        workshop,
        title="Trafficking law",
        title_local="反拐法律",
        description="Bring the handout.",
        starts_at=at(28, 14),
        ends_at=at(28, 15),
        trainers=[trainer],
    )
    feed = calendar_for_sessions(load_calendar_sessions(workshop.sessions.all()), name="W")
    assert b"Trainers: Prof. Zhang Jun" in feed
    [event] = preview_import(workshop, feed)
    assert event.description == "Bring the handout."
    import_sessions(workshop=workshop, events=[event], chosen={event.uid})
    session.refresh_from_db()
    assert session.description == "Bring the handout."


def test_new_imported_sessions_take_their_kind_from_the_title(workshop):
    def event(uid, title, hour):
        return (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{title}\r\n"
            f"DTSTART;TZID=Asia/Shanghai:20070828T{hour:02d}0000\r\n"
            f"DTEND;TZID=Asia/Shanghai:20070828T{hour:02d}3000\r\nEND:VEVENT\r\n"
        )

    data = damaged(
        event("k1", "Coffee break", 10)
        + event("k2", "Opening ceremony", 8)
        + event("k3", "Group work: victim interviews", 14)
        + event("k4", "小组讨论", 16)
        + event("k5", "Trafficking law", 11)
    )
    events = preview_import(workshop, data)
    import_sessions(workshop=workshop, events=events, chosen={e.uid for e in events})
    kinds = dict(Session.objects.filter(workshop=workshop).values_list("title", "kind"))
    assert kinds["Coffee break"] == "break"
    assert kinds["Opening ceremony"] == "ceremony"
    assert kinds["Group work: victim interviews"] == "group_work"
    assert kinds["小组讨论"] == "group_work"
    assert kinds["Trafficking law"] == "lecture"
    assert kinds["Good one"] == "lecture"
