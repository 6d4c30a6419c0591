"""The invariants of people, registrations and attendance, as the database holds them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Agency
from participants.models import Attendance, Participant, Registration
from participants.queries import registration_counts
from reports.statistics import workshop_figures
from tests import factories
from tests.conftest import assert_refused_in_both_languages, at, refusals, refused_by

pytestmark = pytest.mark.django_db


def register(workshop, person, **fields):
    # Straight to the table, waiting or not as told: the constraints are what is tested.
    fields.setdefault("waitlisted_at", None)
    return factories.registration(
        workshop, fields.pop("name", "Li Mei"), participant=person, **fields
    )


def test_participant_email_unique_ci_is_enforced_by_the_database():
    Participant.objects.create(email="Li.Mei@example.org")
    with refused_by("participant_email_unique_ci"):
        Participant.objects.create(email="li.mei@EXAMPLE.org")
    Participant.objects.create(email="wang.fang@example.org")
    assert Participant.objects.count() == 2


def test_participant_without_email_may_be_many():
    # Nominations often come without an e-mail address.
    Participant.objects.create()
    Participant.objects.create()
    assert Participant.objects.filter(email="").count() == 2


def test_registration_feed_token_is_unique(workshop):
    first = register(workshop, Participant.objects.create())
    assert len(first.feed_token) >= 32
    assert first.feed_token != first.token
    with refused_by("feed_token"):
        register(workshop, Participant.objects.create(), feed_token=first.feed_token)


def test_registration_agency_label_is_the_chosen_or_the_typed_agency():
    agency = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    assert Registration(name="A", agency=agency).agency_label == "Ministry of Public Security (MPS)"
    assert Registration(name="B", agency_name="Jilin Women's Federation").agency_label == (
        "Jilin Women's Federation"
    )


def test_registration_reads_who_and_how_it_stands(workshop):
    registration = Registration(workshop=workshop, name="Li Mei", status="waitlisted")
    assert str(registration) == (
        "Li Mei for National Anti-Trafficking Workshop (on the waiting list)"
    )
    assert str(Participant(email="li.mei@example.org")) == "li.mei@example.org"


def test_person_details_live_on_the_registration_only(workshop, make_workshop):
    # The identity is all a person row holds: another workshop's details cannot leak through it.
    person_fields = {field.name for field in Participant._meta.concrete_fields}
    assert person_fields == {"id", "email", "is_sample", "created_at", "updated_at"}
    person = Participant.objects.create(email="li.mei@example.org")
    here = register(workshop, person, name="Li Mei", position="Inspector")
    there = register(make_workshop(slug="there"), person, name="LI Mei", position="Director")
    here.refresh_from_db()
    assert (here.name, here.position) == ("Li Mei", "Inspector")
    assert (there.name, there.position) == ("LI Mei", "Director")


def test_registration_unique_per_workshop_is_enforced_by_the_database(workshop, make_workshop):
    person = Participant.objects.create()
    register(workshop, person)
    with refused_by("registration_unique_per_workshop"):
        register(workshop, person, status=Registration.Status.CANCELLED)
    register(make_workshop(title="Next year", slug="next-year"), person)
    assert person.registrations.count() == 2


def test_registration_waitlisted_has_position_is_enforced_by_the_database(workshop):
    with refused_by("registration_waitlisted_has_position"):
        register(workshop, Participant.objects.create(), status="waitlisted")
    waiting = register(
        workshop,
        Participant.objects.create(),
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    # Leaving the list may keep the time it was joined.
    waiting.status = Registration.Status.CONFIRMED
    waiting.save()
    assert Registration.objects.get(pk=waiting.pk).waitlisted_at is not None


def test_registration_token_is_unique(workshop, make_workshop):
    first = register(workshop, Participant.objects.create())
    with refused_by("token"):
        register(workshop, Participant.objects.create(), token=first.token)


def test_registration_queryset_seats_and_waiting_order(workshop):
    now = timezone.now()
    confirmed = register(workshop, Participant.objects.create())
    register(workshop, Participant.objects.create(), status="pending")
    later = register(
        workshop,
        Participant.objects.create(),
        status="waitlisted",
        waitlisted_at=now,
    )
    earlier = register(
        workshop,
        Participant.objects.create(),
        status="waitlisted",
        waitlisted_at=now - timezone.timedelta(hours=1),
    )
    assert list(Registration.objects.holding_seats()) == [confirmed]
    assert list(Registration.objects.waiting()) == [earlier, later]


def test_attendance_unique_per_registration_session_is_enforced_by_the_database(
    workshop, make_session
):
    morning = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    afternoon = make_session(workshop, starts_at=at(27, 14), ends_at=at(27, 15))
    registration = register(workshop, Participant.objects.create())
    Attendance.objects.create(registration=registration, session=morning, status="present")
    with refused_by("attendance_unique_per_registration_session"):
        Attendance.objects.create(registration=registration, session=morning, status="absent")
    Attendance.objects.create(registration=registration, session=afternoon, status="late")
    assert registration.attendances.count() == 2


@pytest.mark.parametrize(
    ("status", "attended"),
    [("present", True), ("late", True), ("excused", False), ("absent", False)],
)
def test_attendance_counts_as_attended_when_present_or_late(status, attended):
    assert Attendance(status=status).counts_as_attended is attended


# What validation says when a constraint would refuse: the field and the rule, with a code.


def test_participant_email_unique_ci_names_the_email():
    Participant.objects.create(email="Li.Mei@example.org")
    again = Participant(email="li.mei@EXAMPLE.org")
    message = (
        "Another participant already has this e-mail address "
        "(capital and small letters count as the same)."
    )
    in_chinese = "已有另一位参会者使用此电子邮件地址（不区分大小写）。"  # noqa: RUF001
    assert_refused_in_both_languages(again.full_clean, "email", "unique", message, in_chinese)


def test_registration_unique_per_workshop_names_the_participant(workshop):
    person = Participant.objects.create()
    register(workshop, person)
    again = Registration(workshop=workshop, participant=person, source="organiser", name="Li Mei")
    assert refusals(again.full_clean) == {
        "participant": [("This participant is already registered for this workshop.", "unique")]
    }


def test_registration_waitlisted_has_position_names_the_time_joined(workshop):
    waiting = Registration(
        workshop=workshop,
        participant=Participant.objects.create(),
        name="Li Mei",
        source="organiser",
        status=Registration.Status.WAITLISTED,
    )
    assert refusals(waiting.full_clean) == {
        "waitlisted_at": [
            (
                "A registration on the waiting list needs the time it joined the list.",
                "waitlisted_without_time",
            )
        ]
    }


def test_attendance_unique_per_registration_session_names_the_session(workshop, make_session):
    session = make_session(workshop)
    registration = register(workshop, Participant.objects.create())
    Attendance.objects.create(registration=registration, session=session, status="present")
    again = Attendance(registration=registration, session=session, status="absent")
    assert refusals(again.full_clean) == {
        "session": [
            ("Attendance at this session is already recorded for this registration.", "unique")
        ]
    }


def test_every_count_of_seats_reads_the_one_rule_of_who_holds_one(
    monkeypatch, admin_client, workshop
):
    """Were pending registrations to hold a seat too, every count of seats would say so:
    the queryset's, the roster's, the admin's column and the dashboards' SQL."""
    factories.registration(workshop, "Ann", gender="female")
    factories.registration(workshop, "Bob", gender="male")
    factories.registration(workshop, "Cat", gender="female", status="pending")
    factories.registration(workshop, "Dan", status="waitlisted")

    def seats():
        counts = registration_counts(workshop)
        page = admin_client.get(reverse("admin:events_workshop_changelist")).content.decode()
        column = next(n for n in range(5) if f'<td class="field-seats_taken">{n}</td>' in page)
        return {
            "holding_seats": Registration.objects.holding_seats().count(),
            "seat_figures": Registration.objects.seat_figures()["confirmed"],
            "roster": counts.confirmed,
            "roster_women": counts.confirmed_by_gender["female"],
            "admin": column,
            "dashboard": workshop_figures(workshop, now=timezone.now()).confirmed,
        }

    assert seats() == {
        "holding_seats": 2,
        "seat_figures": 2,
        "roster": 2,
        "roster_women": 1,
        "admin": 2,
        "dashboard": 2,
    }
    statuses = Registration.Status
    monkeypatch.setattr(
        Registration, "SEAT_HOLDING_STATUSES", (statuses.CONFIRMED, statuses.PENDING)
    )
    assert seats() == {
        "holding_seats": 3,
        "seat_figures": 3,
        "roster": 3,
        "roster_women": 2,
        "admin": 3,
        "dashboard": 3,
    }
    assert registration_counts(workshop).pending == 1  # still counted by its status
