"""Builders and checks shared by the calendar tests (builder, feeds, personal feed, import)."""

from datetime import timedelta

from icalendar import Calendar

from events.models import Agency, Room, Session, Topic, Trainer, Workshop
from tests.conftest import at


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


def bulk_sessions(workshop: Workshop, count: int, *, trainer=None, room=None, topics=()):
    """``count`` sessions of ``workshop`` in 20-minute slots, with trainers and topics set.

    bulk_create: a programme of 3,000 is built in a handful of queries.
    """
    start = workshop.starts_at
    sessions = Session.objects.bulk_create(
        Session(
            workshop=workshop,
            title=f"Session {n + 1}",
            starts_at=start + timedelta(minutes=20 * n),
            ends_at=start + timedelta(minutes=20 * n + 15),
            room=room,
        )
        for n in range(count)
    )
    if trainer is not None:
        Session.trainers.through.objects.bulk_create(
            Session.trainers.through(session_id=s.pk, trainer_id=trainer.pk) for s in sessions
        )
    for topic in topics:
        Session.topics.through.objects.bulk_create(
            Session.topics.through(session_id=s.pk, topic_id=topic.pk) for s in sessions
        )
    return sessions


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


__all__ = ["assert_wire_format", "at", "bulk_sessions", "events_by_uid", "lijiang_cast", "parse"]
