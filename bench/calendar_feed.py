"""The calendar feed of a 3,000-session programme, against icalendar alone (the floor).

Measured through the view with Django's test client, so the figure holds the queries,
the row building, the ETag digest, icalendar's build and serialisation, the cache and the
middleware. The floor is icalendar building and serialising the same events from tuples
loaded beforehand: what any feed of these events must cost at least.

Three figures for the feed: uncached (the cache emptied before each request: the cost after
any change to the timetable), cached (the body found under its ETag) and a conditional
request answered 304 (what polling clients mostly send).

Polling: the 304 of a 3,000-session feed against the 304 of a 30-session one (its floor:
the answer must not grow with the timetable; target at most 5 ms, and a ratio near 1).
"""

from datetime import date, timedelta

from bench._harness import against_floor, ceiling, interleaved, report, setup_django, timed

SESSIONS = 3000
SMALL = 30
REPEAT = 7
POLL_REPEAT = 200
POLL_TARGET = 0.005  # seconds


def build_programme(sessions_count: int = SESSIONS, slug: str = "programme"):
    from events.models import Agency, Room, Session, Topic, Trainer, Workshop

    workshop = Workshop.objects.create(
        title="National Anti-Trafficking Programme",
        slug=slug,
        start_date=date(2024, 10, 1),
        end_date=date(2024, 11, 30),
        timezone="Europe/Berlin",
        venue="Tagungszentrum",
        city="Berlin",
        status=Workshop.Status.PUBLISHED,
    )
    agencies = [
        Agency.objects.create(name=f"Agency {n} {slug}", acronym=f"AG{n}") for n in range(5)
    ]
    trainers = [
        Trainer.objects.create(
            name=f"Trainer {n}",
            honorific="Dr.",
            position="Senior adviser",
            agency=agencies[n % 5],
        )
        for n in range(20)
    ]
    rooms = [
        Room.objects.create(name=f"Room {n}", venue=f"Tagungszentrum {slug}") for n in range(6)
    ]
    topics = [Topic.objects.create(name=f"Topic {n} {slug}") for n in range(12)]
    start = workshop.starts_at + timedelta(hours=8)
    sessions = Session.objects.bulk_create(
        Session(
            workshop=workshop,
            title=f"Session {n}: prevention, protection; prosecution",
            description="Case material and group exercises.\nBring the handout.",
            kind=Session.Kind.LECTURE if n % 3 else Session.Kind.GROUP_WORK,
            starts_at=start + timedelta(minutes=25 * n),
            ends_at=start + timedelta(minutes=25 * n + 20),
            room=rooms[n % 6],
            status=Session.Status.CANCELLED if n % 50 == 0 else Session.Status.SCHEDULED,
        )
        for n in range(sessions_count)
    )
    Session.trainers.through.objects.bulk_create(
        Session.trainers.through(session_id=s.pk, trainer_id=trainers[n % 20].pk)
        for n, s in enumerate(sessions)
    )
    Session.topics.through.objects.bulk_create(
        Session.topics.through(session_id=s.pk, topic_id=topics[(n + k) % 12].pk)
        for n, s in enumerate(sessions)
        for k in range(2)
    )
    return workshop


def floor_builder(workshop):
    """icalendar alone: the same events from tuples loaded beforehand, built and serialised."""
    from icalendar import Calendar, Event, vDuration, vText

    from events.calendar import PRODID, REFRESH_INTERVAL, _vtimezone, event_fields
    from events.feeds import calendar_sessions

    rows = [tuple(row) for row in event_fields(calendar_sessions(workshop.sessions.all()))]
    first, last = rows[0][2].year, rows[-1][3].year

    def build() -> bytes:
        calendar = Calendar()
        calendar.add("PRODID", PRODID)
        calendar.add("VERSION", "2.0")
        calendar.add("CALSCALE", "GREGORIAN")
        calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
        calendar.add("NAME", vText(workshop.title))
        calendar.add("X-WR-CALNAME", vText(workshop.title))
        calendar.add_component(_vtimezone(workshop.timezone, first, last))
        for (
            uid,
            stamp,
            start,
            end,
            summary,
            description,
            location,
            url,
            modified,
            seq,
            cancelled,
            _,
        ) in rows:
            event = Event()
            event.add("UID", uid)
            event.add("DTSTAMP", stamp)
            event.add("DTSTART", start)
            event.add("DTEND", end)
            event.add("SUMMARY", summary)
            event.add("DESCRIPTION", description)
            event.add("LOCATION", location)
            event.add("URL", url)
            event.add("LAST-MODIFIED", modified)
            event.add("SEQUENCE", seq)
            event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
            calendar.add_component(event)
        return calendar.to_ical()

    return build


def main() -> None:
    setup_django()
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    workshop = build_programme()
    client = Client()
    url = reverse("events:workshop_feed", kwargs={"slug": workshop.slug})

    floor = floor_builder(workshop)
    expected = floor()
    first = client.get(url)
    assert first.status_code == 200
    # The floor builds exactly what the feed serves.
    assert first.content == expected, "the floor and the feed differ"
    etag = first["ETag"]
    print(f"{SESSIONS} sessions, {len(expected) / 1e6:.2f} MB of iCalendar")

    def uncached():
        response = client.get(url)
        assert response.status_code == 200

    def cached():
        response = client.get(url)
        assert response.status_code == 200

    def not_modified():
        response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304

    # The machine is shared: floor and feed are timed in turns (bench._harness.interleaved),
    # so that a burst of load elsewhere falls on both rather than on one.
    def uncached_after_clear():
        cache.clear()  # not part of what the request costs
        return {"uncached": timed(uncached)}

    figures = interleaved({"floor": floor, "uncached": uncached_after_clear}, repeat=REPEAT)
    floor_time, uncached_time = figures["floor"], figures["uncached"]
    report(
        "workshop feed, uncached",
        uncached_time,
        "s",
        baseline_name="icalendar alone",
        baseline=floor_time,
        target=1.5,
    )
    cached()
    figures = against_floor(
        "workshop feed, cached body",
        cached,
        floor,
        baseline_name="icalendar alone",
        repeat=REPEAT,
        also={"not_modified": not_modified},
    )
    report(
        "workshop feed, 304 to If-None-Match",
        figures["not_modified"],
        "s",
        baseline_name="icalendar alone",
        baseline=figures["floor"],
    )
    polling(client, workshop)


def polling(client, workshop) -> None:
    """The 304 at 3,000 sessions against the 304 at 30, workshop and trainer feeds."""
    from django.urls import reverse

    small = build_programme(SMALL, slug="small-programme")
    feeds = []
    for label, big_url, small_url in [
        (
            "workshop feed",
            reverse("events:workshop_feed", kwargs={"slug": workshop.slug}),
            reverse("events:workshop_feed", kwargs={"slug": small.slug}),
        ),
        (
            "trainer feed",
            reverse(
                "events:trainer_feed",
                kwargs={"token": workshop.sessions.first().trainers.first().feed_token},
            ),
            reverse(
                "events:trainer_feed",
                kwargs={"token": small.sessions.first().trainers.first().feed_token},
            ),
        ),
    ]:
        feeds.append((label, big_url, small_url))

    def poller(url):
        etag = client.get(url)["ETag"]

        def poll():
            response = client.get(url, headers={"if-none-match": etag})
            assert response.status_code == 304

        return poll

    for label, big_url, small_url in feeds:
        figures = interleaved(
            {"small": poller(small_url), "big": poller(big_url)}, repeat=POLL_REPEAT
        )
        small_time, big_time = figures["small"], figures["big"]
        print(f"{label}, 304 at {SMALL} sessions: {small_time * 1000:.2f} ms")
        report(
            f"{label}, 304 at {SESSIONS:,} sessions",
            big_time,
            "s",
            baseline_name=f"304 at {SMALL} sessions",
            baseline=small_time,
            target=1.5,
        )
        ceiling(f"{label}, 304 at {SESSIONS:,} sessions", big_time, POLL_TARGET)
