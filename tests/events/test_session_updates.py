"""Moving, cancelling or rescheduling a session sends its confirmed participants and its
trainers an updated invitation or a cancellation (RFC 5546), one message per person per
change, each carrying that one session; the e-mails are parsed back."""

import pytest
from icalendar import Calendar

from events import services
from events.models import Room, Session, Trainer, Workshop
from participants.models import Registration
from tests import factories
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(workshop, make_session):
    trainer = Trainer.objects.create(name="Zhang Jun", honorific="Prof.", email="zj@example.org")
    Trainer.objects.create(name="No Address")
    room = Room.objects.create(name="Hall A", venue="Guanfang Hotel")
    session = make_session(
        workshop,
        title="Trafficking law",
        starts_at=at(28, 14),
        ends_at=at(28, 15),
        room=room,
        trainers=[trainer],
    )
    make_session(workshop, title="Other", starts_at=at(29, 9), ends_at=at(29, 10))
    factories.registration(workshop, "Li Mei", email="li.mei@example.org")
    factories.registration(
        workshop, "Wang Fang", email="wang@example.org", preferred_language="zh-hans"
    )
    factories.registration(
        workshop, "Waiting", email="w@example.org", status=Registration.Status.WAITLISTED
    )
    return session


def parsed(sent):
    out = {}
    for message in sent:
        [part] = [a for a in message.attachments if not isinstance(a, tuple)]
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        [event] = calendar.walk("VEVENT")
        assert part.get_param("method") == calendar["METHOD"]
        out[message.to[0]] = (calendar["METHOD"], event, message)
    return out


def test_moving_a_session_sends_each_person_one_updated_invitation(
    setting, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.move_session(session=setting, starts_at=at(28, 16), ends_at=at(28, 17))
    by_person = parsed(mailoutbox)
    # Confirmed participants and the trainer with an address; not the waiting list.
    assert sorted(by_person) == ["li.mei@example.org", "wang@example.org", "zj@example.org"]
    for to, (method, event, _message) in by_person.items():
        assert method == "REQUEST"
        assert str(event["UID"]) == setting.uid
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == at(28, 16)
        assert str(event["ATTENDEE"]) == f"mailto:{to}"
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert "ORGANIZER" in event
    english = by_person["li.mei@example.org"][2]
    assert english.subject == (
        "Moved: Trafficking law, now Tuesday 28 August 2007, 16:00 (Asia/Shanghai time)"
    )
    chinese = by_person["wang@example.org"][2]
    assert "2007年8月28日 星期二 16:00" in chinese.subject


def test_cancelling_a_session_sends_a_cancellation_with_a_higher_sequence(
    setting, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.move_session(session=setting, starts_at=at(28, 16), ends_at=at(28, 17))
    moved = parsed(mailoutbox)["li.mei@example.org"][1]["SEQUENCE"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session=setting)
    by_person = parsed(mailoutbox)
    assert len(mailoutbox) == 3
    for method, event, _message in by_person.values():
        assert method == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] > moved
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reinstate_session(session=setting)
    again = parsed(mailoutbox)["li.mei@example.org"]
    assert again[0] == "REQUEST"
    assert again[1]["SEQUENCE"] == 3


def test_a_retitle_or_a_draft_sends_nothing(
    setting, make_workshop, make_session, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(
            workshop=setting.workshop,
            data={"title": "Trafficking law (2)"},
            session=setting,
            trainers=setting.trainers.all(),
        )
    assert mailoutbox == []
    draft = make_workshop(slug="draft", status=Workshop.Status.DRAFT)
    session = make_session(draft, starts_at=at(27, 9), ends_at=at(27, 10))
    factories.registration(draft, "Li Mei", email="li.mei@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.move_session(session=session, starts_at=at(27, 11), ends_at=at(27, 12))
    assert mailoutbox == []


def test_an_itip_message_carries_exactly_one_event(setting):
    from events.calendar import event_fields, render_calendar

    rows = event_fields(Session.objects.filter(workshop=setting.workshop), method="REQUEST")
    with pytest.raises(ValueError, match="exactly one event"):
        render_calendar(rows, name="W", method="REQUEST")
