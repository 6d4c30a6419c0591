"""Builders and checks shared by the calendar tests (builder, feeds, personal feed, import)."""

from icalendar import Calendar

from events.models import Agency, Room, Topic, Trainer
from tests import factories
from tests.conftest import at
from tests.factories import bulk_sessions


def lijiang_cast():
    """A trainer with every title, an agency, a room and two topics, as in the 2007 report."""
    agency = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    trainer = Trainer.objects.create(
        name="Zhang Wei",
        name_local="张伟",
        honorific="Prof.",
        position="Deputy Director-General",
        agency=agency,
        email="zhang.wei@example.org",
    )
    room = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel", city="Lijiang")
    topics = [
        Topic.objects.create(name="Victim identification"),
        Topic.objects.create(name="Cross-border cooperation"),
    ]
    return trainer, room, topics


def taught_lecture(workshop, **fields):
    """``lijiang_cast()`` and their session of ``workshop``: "Identifying victims", 27 August
    9:00 to 10:30, taught by the trainer, in the room, on both topics; ``fields`` override.
    The session, the trainer, the room and the topics."""
    trainer, room, topics = lijiang_cast()
    values = {
        "title": "Identifying victims",
        "starts_at": at(27, 9),
        "ends_at": at(27, 10, 30),
        "room": room,
        "trainers": [trainer],
        "topics": topics,
    }
    return factories.session(workshop, **(values | fields)), trainer, room, topics


def taught_programme(workshop, count: int):
    """``count`` sessions of ``workshop`` (``bulk_sessions``), all taught by
    ``lijiang_cast()``'s trainer in its room on both topics: the sessions and the trainer."""
    trainer, room, topics = lijiang_cast()
    return bulk_sessions(workshop, count, trainer=trainer, room=room, topics=topics), trainer


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def assert_wire_format(body: bytes) -> None:
    """CRLF after every line, no bare LF or CR, every physical line <= 75 octets and UTF-8."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line, line
        assert b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a fold inside a multi-byte character would raise here


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


__all__ = [
    "assert_wire_format",
    "at",
    "bulk_sessions",
    "events_by_uid",
    "lijiang_cast",
    "parse",
    "taught_lecture",
    "taught_programme",
]
