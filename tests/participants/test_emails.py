"""The e-mails about a registration: sent after commit, in the person's language, with calendars."""

import pytest
from django.db import transaction
from icalendar import Calendar

from events.models import Room, Session, Trainer
from participants.models import Registration
from participants.services import (
    approve_registration,
    cancel_registration,
    decline_registration,
    register_participant,
    revoke_registration_link,
)
from tests import factories
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(make_workshop, make_session):
    workshop = make_workshop(**factories.LIJIANG, capacity=1)
    room = Room.objects.create(name="Hall A", venue="Guanfang Hotel", city="Lijiang")
    trainer = Trainer.objects.create(name="Zhang Jun", honorific="Prof.")
    make_session(workshop, title="Opening ceremony", starts_at=at(27, 9), ends_at=at(27, 10))
    make_session(
        workshop,
        title="Trafficking law",
        starts_at=at(28, 14),
        ends_at=at(28, 15, 30),
        room=room,
        trainers=[trainer],
    )
    make_session(
        workshop,
        title="Dropped session",
        starts_at=at(29, 9),
        ends_at=at(29, 10),
        status=Session.Status.CANCELLED,
    )
    return workshop


@pytest.fixture
def send(django_capture_on_commit_callbacks, mailoutbox):
    """Run ``action`` and return the e-mails it sent once its transaction committed."""

    def run(action, *args, **kwargs):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        return result, list(mailoutbox)

    return run


def register(workshop, email, *, notify=True, **fields):
    fields.setdefault("name", "Li Mei")
    return factories.registered(workshop, email, notify=notify, **fields).registration


def calendar_of(message, filename="lijiang.ics"):
    """The parsed .ics attachment and its MIME part's method parameter."""
    parts = [a for a in message.attachments if not isinstance(a, tuple)]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() == filename
    return Calendar.from_ical(part.get_payload(decode=True)), part.get_param("method")


def invitations_in(sent):
    """Each iTIP message among ``sent``: (its one VEVENT, method, recipient)."""
    found = []
    for message in sent:
        parts = [a for a in message.attachments if not isinstance(a, tuple)]
        if parts and parts[0].get_filename() == "invitation.ics":
            calendar, method = calendar_of(message, "invitation.ics")
            assert calendar["METHOD"] == method
            [event] = calendar.walk("VEVENT")  # one UID per iTIP message (RFC 5546)
            found.append((event, method, message.to[0]))
    return found


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_confirmation_email_has_the_sessions_as_an_invitation(workshop, send):
    registration, sent = send(register, workshop, "li.mei@example.org")
    message, *invitations = sent
    assert message.to == ["li.mei@example.org"]
    assert message.subject == "Registration confirmed: National Anti-Trafficking Workshop"
    assert "Dear Li Mei," in message.body
    assert "Your seat is confirmed." in message.body
    assert "An invitation for each session follows in separate e-mails" in message.body
    assert f"http://127.0.0.1:8000/r/{registration.token}/" in message.body
    html = html_of(message)
    assert f'href="http://127.0.0.1:8000/r/{registration.token}/"' in html
    assert "Your seat is confirmed." in html

    # The letter carries the timetable as a file to add, not as an iTIP message.
    calendar, method = calendar_of(message)
    assert method is None
    assert "METHOD" not in calendar
    events = calendar.walk("VEVENT")
    # The scheduled sessions, not the dropped one.
    assert [str(e["SUMMARY"]) for e in events] == ["Opening ceremony", "Trafficking law"]
    sessions = Session.objects.filter(workshop=workshop, status="scheduled").order_by("starts_at")
    assert [str(e["UID"]) for e in events] == [s.uid for s in sessions]
    assert events[1].decoded("DTSTART") == at(28, 14)
    assert "Hall A" in str(events[1]["LOCATION"])

    # Then one invitation per session, each one UID, to the person as ATTENDEE.
    found = invitations_in(invitations)
    assert len(found) == len(invitations) == 2
    assert [str(event["UID"]) for event, _, _ in found] == [s.uid for s in sessions]
    for (event, method, to), session in zip(found, sessions, strict=True):
        assert (method, to) == ("REQUEST", "li.mei@example.org")
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:li.mei@example.org"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["CN"] == "Li Mei"
        assert str(event["ORGANIZER"]) == "mailto:workshops@localhost"
        assert event["ORGANIZER"].params["CN"] == "National Anti-Trafficking Workshop"
        assert event["SEQUENCE"] == session.sequence == 0
    assert invitations[0].subject == (
        "Invitation: Opening ceremony, Monday 27 August 2007, 09:00 (Asia/Shanghai time)"
    )


def test_waiting_list_email_gives_the_position_and_no_calendar(workshop, send):
    register(workshop, "first@example.org", notify=False)
    _, [message] = send(register, workshop, "wang.fang@example.org", name="Wang Fang")
    assert message.subject == "On the waiting list: National Anti-Trafficking Workshop"
    assert "You are number 1 on the waiting list." in message.body
    assert message.attachments == []


def test_pending_email_says_the_organisers_decide(make_workshop, send):
    workshop = make_workshop(requires_approval=True, slug="approval")
    _, [message] = send(register, workshop, "p@example.org")
    assert message.subject == "Registration received: Anti-Trafficking Workshop"
    assert "The organisers approve each registration for this workshop." in message.body


def test_approval_email_carries_the_invitation(make_workshop, organiser, send):
    workshop = make_workshop(requires_approval=True, slug="approval")
    registration = register(workshop, "p@example.org", notify=False)
    _, [message] = send(approve_registration, registration=registration, by=organiser)
    assert message.subject == "Registration approved: Anti-Trafficking Workshop"
    assert "Your seat is confirmed." in message.body


def test_promotion_email_carries_the_invitation(workshop, send):
    seated = register(workshop, "seated@example.org", notify=False)
    register(workshop, "waiting@example.org", notify=False)
    _, sent = send(cancel_registration, registration=seated)
    promotion = next(m for m in sent if m.to == ["waiting@example.org"])
    assert promotion.subject == "A seat is yours: National Anti-Trafficking Workshop"
    assert "you have moved from the waiting list to confirmed" in promotion.body
    requests = [e for e, method, to in invitations_in(sent) if to == "waiting@example.org"]
    assert len(requests) == 2
    assert {str(e["ATTENDEE"]) for e in requests} == {"mailto:waiting@example.org"}
    # The one who cancelled is told where the seat went: somebody was waiting.
    letter = next(m for m in sent if m.to == ["seated@example.org"])
    assert "Your seat has gone to the first person on the waiting list." in letter.body


def test_cancellation_email_cancels_the_sessions_in_calendars(workshop, send):
    registration = register(workshop, "li.mei@example.org", notify=False)
    _, [message, *cancels] = send(cancel_registration, registration=registration)
    assert message.subject == "Registration cancelled: National Anti-Trafficking Workshop"
    assert "Your registration has been cancelled." in message.body
    # Nobody waited: the letter does not claim the seat went to the waiting list.
    assert "waiting list" not in message.body
    assert message.attachments == []
    found = invitations_in(cancels)
    assert len(found) == 3
    sessions = {s.uid: s for s in Session.objects.filter(workshop=workshop)}
    for event, method, to in found:
        assert (method, to) == ("CANCEL", "li.mei@example.org")
        assert str(event["STATUS"]) == "CANCELLED"
        session = sessions[str(event["UID"])]
        # Above the REQUEST's revision (0) for a session that itself goes on.
        if session.status == "scheduled":
            assert event["SEQUENCE"] == session.sequence + 1 == 1
        assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_cancellation_email_of_a_waiting_registration_has_no_calendar(workshop, send):
    register(workshop, "seated@example.org", notify=False)
    waiting = register(workshop, "waiting@example.org", notify=False)
    _, [message] = send(cancel_registration, registration=waiting)
    assert message.attachments == []


def test_decline_email_of_a_seat_cancels_the_sessions(workshop, organiser, send):
    registration = register(workshop, "li.mei@example.org", notify=False)
    _, [message, *cancels] = send(decline_registration, registration=registration, by=organiser)
    assert {method for _, method, _ in invitations_in(cancels)} == {"CANCEL"}
    assert len(cancels) == 3
    assert message.subject == "Registration declined: National Anti-Trafficking Workshop"
    assert "could not accept your registration" in message.body


def test_new_link_email_after_revoking(workshop, send):
    registration = register(workshop, "li.mei@example.org", notify=False)
    old = registration.token
    _, [message] = send(revoke_registration_link, registration=registration)
    assert message.subject == "Your new personal link: National Anti-Trafficking Workshop"
    assert f"/r/{registration.token}/" in message.body
    assert old not in message.body


def test_emails_are_in_the_participants_language(workshop, send):
    _, [message, *invitations] = send(
        register, workshop, "zh@example.org", name="Li Mei", preferred_language="zh-hans"
    )
    # The invitation names the organiser in the reader's language.
    event, _, _ = invitations_in(invitations)[0]
    assert event["ORGANIZER"].params["CN"] == "全国反拐培训班"
    assert message.subject == "报名已确认：全国反拐培训班"  # noqa: RUF001
    assert "您的座位已确认。" in message.body
    assert "您的座位已确认。" in html_of(message)
    assert '<html lang="zh-hans">' in html_of(message)
    calendar, _ = calendar_of(message)
    assert str(calendar.get("X-WR-CALNAME") or calendar.get("NAME")) == "全国反拐培训班"


def test_emails_wait_for_the_commit(workshop, django_capture_on_commit_callbacks, mailoutbox):
    def register_then_fail():
        with transaction.atomic():
            register(workshop, "li.mei@example.org")
            raise RuntimeError("rolled back")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        register_then_fail()
    assert mailoutbox == []
    assert Registration.objects.count() == 0


def test_no_email_for_someone_without_an_address(workshop, send):
    registration, sent = send(
        register_participant,
        workshop=workshop,
        data={"name": "Walk-in"},
        source="organiser",
    )
    assert registration.registration.status == Registration.Status.CONFIRMED
    assert sent == []
