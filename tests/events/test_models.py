"""The invariants of agencies, workshops and timetables: named constraints the database holds,
and the rules ``clean()`` holds where the database cannot."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from events.models import Agency, Room, Session, Workshop, WorkshopAgency
from tests.conftest import at, refusals, refused_by

pytestmark = pytest.mark.django_db


# Sessions


def test_session_ends_after_start_is_enforced_by_the_database(workshop):
    with refused_by("session_ends_after_start"):
        Session.objects.create(
            workshop=workshop, title="Backwards", starts_at=at(27, 10), ends_at=at(27, 9)
        )
    with refused_by("session_ends_after_start"):
        Session.objects.create(
            workshop=workshop, title="No time at all", starts_at=at(27, 10), ends_at=at(27, 10)
        )
    session = Session.objects.create(
        workshop=workshop, title="One minute", starts_at=at(27, 10), ends_at=at(27, 10, 1)
    )
    assert session.duration.total_seconds() == 60


def test_session_uid_unique_per_workshop_is_enforced_by_the_database(workshop, make_workshop):
    Session.objects.create(
        workshop=workshop, title="A", starts_at=at(27, 9), ends_at=at(27, 10), uid="same@x"
    )
    with refused_by("session_uid_unique_per_workshop"):
        Session.objects.create(
            workshop=workshop, title="B", starts_at=at(28, 9), ends_at=at(28, 10), uid="same@x"
        )
    other = make_workshop(title="Elsewhere", slug="elsewhere")
    Session.objects.create(
        workshop=other, title="C", starts_at=at(27, 9), ends_at=at(27, 10), uid="same@x"
    )
    assert Session.objects.filter(uid="same@x").count() == 2


def test_session_uid_is_new_for_each_session(workshop, make_session):
    first, second = make_session(workshop), make_session(workshop)
    assert first.uid != second.uid
    assert first.uid.endswith("@workshops")


def test_session_clean_refuses_end_before_start(workshop):
    session = Session(workshop=workshop, title="Backwards", starts_at=at(27, 10), ends_at=at(27, 9))
    with pytest.raises(ValidationError) as refusal:
        session.full_clean()
    assert refusal.value.message_dict["ends_at"] == ["A session must end after it starts."]


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        # 00:30 on the first day, Lijiang time.
        (at(26, 0, 30), at(26, 1, 30)),
        # 23:30 UTC the day before the first day is 07:30 on the first day in Lijiang.
        (datetime(2007, 8, 25, 23, 30, tzinfo=UTC), datetime(2007, 8, 26, 1, 0, tzinfo=UTC)),
        # Ending at midnight after the last day, Lijiang time.
        (at(31, 23), datetime(2007, 9, 1, 0, 0, tzinfo=at(1, 0).tzinfo)),
    ],
    ids=["just-after-local-midnight", "utc-day-before-is-local-first-day", "ends-at-last-midnight"],
)
def test_session_clean_accepts_sessions_inside_the_workshop_days_in_its_time_zone(
    workshop, starts_at, ends_at
):
    Session(workshop=workshop, title="Inside", starts_at=starts_at, ends_at=ends_at).full_clean()


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        # 23:30 on the day before the first day, Lijiang time (15:30 UTC that day).
        (at(25, 23, 30), at(26, 0, 30)),
        # 20:00 UTC on the last day is already 04:00 the day after it in Lijiang.
        (datetime(2007, 8, 31, 20, 0, tzinfo=UTC), datetime(2007, 8, 31, 21, 0, tzinfo=UTC)),
        # Starts inside, runs past midnight after the last day.
        (at(31, 23), at(31, 23, 30).replace(day=1, month=9)),
    ],
    ids=["local-day-before", "utc-last-day-is-local-day-after", "runs-past-the-end"],
)
def test_session_clean_refuses_sessions_outside_the_workshop_days_in_its_time_zone(
    workshop, starts_at, ends_at
):
    session = Session(workshop=workshop, title="Outside", starts_at=starts_at, ends_at=ends_at)
    with pytest.raises(ValidationError) as refusal:
        session.full_clean()
    assert refusal.value.message_dict["starts_at"] == [
        "The session must lie within the workshop's dates, "
        "Sunday 26 August 2007 to Friday 31 August 2007 (Asia/Shanghai)."
    ]


def test_session_clean_checks_an_unsaved_workshop_as_it_stands():
    # The admin adds a workshop and its sessions in one form: the workshop has no id yet.
    workshop = Workshop(
        title="New", start_date=date(2007, 8, 26), end_date=date(2007, 8, 27), timezone="UTC"
    )
    session = Session(workshop=workshop, title="Late", starts_at=at(28, 9), ends_at=at(28, 10))
    with pytest.raises(ValidationError) as refusal:
        session.clean()
    assert "starts_at" in refusal.value.message_dict


def test_session_clean_skips_the_date_rule_when_the_workshop_has_no_dates_yet():
    # The workshop's own form had errors: its field errors are what the organiser must fix.
    workshop = Workshop(title="New", start_date=None, end_date=None)
    Session(workshop=workshop, title="Any", starts_at=at(28, 9), ends_at=at(28, 10)).clean()


def test_session_save_bumps_sequence_when_time_room_or_status_change(workshop, make_session):
    room = Room.objects.create(name="Hall", venue="Guesthouse")
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    assert session.sequence == 0

    session.starts_at = at(27, 9, 15)
    session.save()
    session.ends_at = at(27, 10, 15)
    session.save()
    session.room = room
    session.save()
    session.status = Session.Status.CANCELLED
    session.save()
    session.refresh_from_db()
    assert session.sequence == 4


def test_session_save_keeps_sequence_for_a_retitle_or_the_same_moment(workshop, make_session):
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    session = Session.objects.get(pk=session.pk)
    session.title = "Opening ceremony"
    session.description = "Speeches."
    session.save()
    # The same instant written in another time zone is no move.
    session.starts_at = datetime(2007, 8, 27, 1, 0, tzinfo=UTC)
    session.save()
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Opening ceremony", 0)


def test_session_save_bumps_sequence_for_a_move_after_loading_from_the_database(
    workshop, make_session
):
    session_id = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10)).pk
    session = Session.objects.get(pk=session_id)
    session.starts_at = at(27, 8)
    session.save(update_fields=["starts_at"])
    assert Session.objects.get(pk=session_id).sequence == 1


def test_session_loaded_with_deferred_fields_costs_one_query_and_keeps_its_sequence(
    workshop, make_session
):
    for hour in (9, 11, 14):
        make_session(workshop, starts_at=at(27, hour), ends_at=at(27, hour + 1))
    with CaptureQueriesContext(connection) as queries:
        sessions = list(Session.objects.only("title"))
    assert len(queries) == 1
    session = sessions[0]
    assert session.starts_at == at(27, 9)  # loads the deferred field: not a move
    session.title = "Renamed"
    session.save()
    assert Session.objects.get(pk=session.pk).sequence == 0


def test_workshop_with_sessions_can_be_deleted(workshop, make_session):
    # The deletion collector loads sessions with deferred fields.
    make_session(workshop)
    make_session(workshop, starts_at=at(28, 9), ends_at=at(28, 10))
    workshop.delete()
    assert not Session.objects.exists()


# Workshops


def test_workshop_slug_is_made_from_title_and_year():
    workshop = Workshop.objects.create(
        title="National Anti-Trafficking Workshop",
        start_date=date(2007, 8, 26),
        end_date=date(2007, 8, 31),
    )
    assert workshop.slug == "national-anti-trafficking-workshop-2007"


def test_workshop_slug_is_unique(make_workshop):
    make_workshop(slug="lijiang")
    with refused_by("slug"):
        make_workshop(slug="lijiang")
    assert make_workshop(title="Anti-Trafficking Workshop").slug == "anti-trafficking-workshop-2007"
    assert (
        make_workshop(title="Anti-Trafficking Workshop").slug == "anti-trafficking-workshop-2007-2"
    )


def test_workshop_ends_on_or_after_start_is_enforced_by_the_database(make_workshop):
    with refused_by("workshop_ends_on_or_after_start"):
        make_workshop(start_date=date(2007, 8, 26), end_date=date(2007, 8, 25))
    one_day = make_workshop(start_date=date(2007, 8, 26), end_date=date(2007, 8, 26))
    assert one_day.days == [date(2007, 8, 26)]


def test_workshop_capacity_positive_is_enforced_by_the_database(make_workshop):
    with refused_by("workshop_capacity_positive"):
        make_workshop(capacity=0)
    assert make_workshop(capacity=1).capacity == 1


@pytest.mark.parametrize("closes_hour", [9, 8], ids=["same-moment", "before"])
def test_workshop_registration_closes_after_opens_is_enforced_by_the_database(
    make_workshop, closes_hour
):
    with refused_by("workshop_registration_closes_after_opens"):
        make_workshop(registration_opens_at=at(1, 9), registration_closes_at=at(1, closes_hour))


def test_workshop_registration_window_may_be_open_ended(make_workshop):
    make_workshop(registration_opens_at=at(1, 9), registration_closes_at=at(20, 17))
    make_workshop(registration_opens_at=at(1, 9))
    make_workshop(registration_closes_at=at(20, 17))
    assert Workshop.objects.count() == 3


def test_workshop_rejects_a_time_zone_that_is_not_iana(make_workshop):
    workshop = make_workshop()
    workshop.timezone = "China Standard Time"
    with pytest.raises(ValidationError) as refusal:
        workshop.full_clean()
    assert refusal.value.message_dict["timezone"] == [
        "“China Standard Time” is not an IANA time zone name (for example Asia/Shanghai)."
    ]


def test_workshop_first_and_last_moments_are_in_its_time_zone(workshop):
    assert workshop.starts_at == datetime(2007, 8, 25, 16, 0, tzinfo=UTC)
    assert workshop.ends_at == datetime(2007, 8, 31, 16, 0, tzinfo=UTC)
    assert len(workshop.days) == 6


# Agencies


def test_agency_not_own_parent_is_enforced_by_the_database():
    agency = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    with refused_by("agency_not_own_parent"):
        Agency.objects.filter(pk=agency.pk).update(parent=agency)
    child = Agency.objects.create(name="Yunnan Public Security Department", parent=agency)
    assert list(agency.children.all()) == [child]


def test_agency_name_is_unique():
    Agency.objects.create(name="UNIAP China Office")
    with refused_by("name"):
        Agency.objects.create(name="UNIAP China Office")


def test_agency_clean_refuses_a_cycle():
    top = Agency.objects.create(name="State Council")
    middle = Agency.objects.create(name="National Working Committee", parent=top)
    bottom = Agency.objects.create(name="Office", parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError) as refusal:
        top.full_clean()
    assert refusal.value.message_dict["parent"] == ["An agency cannot be its own ancestor."]

    top.parent = top
    with pytest.raises(ValidationError):
        top.full_clean()


def test_agency_clean_accepts_a_chain_without_cycle():
    top = Agency.objects.create(name="State Council")
    middle = Agency.objects.create(name="National Working Committee", parent=top)
    Agency(name="Office", parent=middle).full_clean()
    middle.full_clean()


def test_workshop_agency_role_unique_is_enforced_by_the_database(workshop):
    agency = Agency.objects.create(name="UNIAP China Office")
    WorkshopAgency.objects.create(
        workshop=workshop, agency=agency, role=WorkshopAgency.Role.PARTNER
    )
    with refused_by("workshop_agency_role_unique"):
        WorkshopAgency.objects.create(
            workshop=workshop, agency=agency, role=WorkshopAgency.Role.PARTNER
        )
    # The same agency may also attend: "also sent personnel to attend".
    WorkshopAgency.objects.create(
        workshop=workshop, agency=agency, role=WorkshopAgency.Role.ATTENDING
    )
    assert workshop.agency_roles.count() == 2


# Rooms


def test_room_unique_per_venue_is_enforced_by_the_database():
    Room.objects.create(name="Hall A", venue="Lijiang Guesthouse")
    with refused_by("room_unique_per_venue"):
        Room.objects.create(name="Hall A", venue="Lijiang Guesthouse")
    Room.objects.create(name="Hall A", venue="Yunnan Hotel")
    Room.objects.create(name="Hall A")
    with refused_by("room_unique_per_venue"):
        Room.objects.create(name="Hall A")
    assert Room.objects.filter(name="Hall A").count() == 3


# What validation says when a constraint would refuse: the field and the rule, with a code.
# full_clean() runs where the admin, ModelForms and the services validate.


def test_workshop_ends_on_or_after_start_names_the_last_day(make_workshop):
    workshop = make_workshop()
    workshop.end_date = date(2007, 8, 25)
    assert refusals(workshop.full_clean) == {
        "end_date": [("The last day cannot come before the first day.", "ends_before_start")]
    }


def test_workshop_capacity_positive_names_the_capacity(make_workshop):
    workshop = make_workshop()
    workshop.capacity = 0
    assert refusals(workshop.full_clean) == {
        "capacity": [("The capacity must be at least one seat.", "capacity_not_positive")]
    }


def test_workshop_registration_closes_after_opens_names_the_closing(make_workshop):
    workshop = make_workshop(registration_opens_at=at(1, 9))
    workshop.registration_closes_at = at(1, 9)
    assert refusals(workshop.full_clean) == {
        "registration_closes_at": [
            ("Registration must close after it opens.", "closes_before_opens")
        ]
    }


def test_workshop_constraint_messages_speak_chinese(make_workshop):
    workshop = make_workshop()
    workshop.end_date, workshop.capacity = date(2007, 8, 25), 0
    with translation.override("zh-hans"):
        errors = refusals(workshop.full_clean)
    assert errors == {
        "end_date": [("最后一天不能早于第一天。", "ends_before_start")],
        "capacity": [("名额至少为一个。", "capacity_not_positive")],
    }


def test_agency_not_own_parent_names_the_parent():
    agency = Agency.objects.create(name="Ministry of Public Security")
    agency.parent = agency
    # clean() refuses it first, as a cycle; the constraint says the same of the field alone.
    assert refusals(agency.full_clean) == {
        "parent": [("An agency cannot be its own ancestor.", None)]
    }
    assert refusals(agency.validate_constraints) == {
        "parent": [("An agency cannot be its own parent.", "own_parent")]
    }


def test_workshop_agency_role_unique_names_the_agency(workshop):
    agency = Agency.objects.create(name="UNIAP China Office")
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role="partner")
    again = WorkshopAgency(workshop=workshop, agency=agency, role="partner")
    assert refusals(again.full_clean) == {
        "agency": [("This agency already has this role in the workshop.", "unique")]
    }


def test_room_unique_per_venue_names_the_room_name():
    Room.objects.create(name="Hall A", venue="Lijiang Guesthouse")
    assert refusals(Room(name="Hall A", venue="Lijiang Guesthouse").full_clean) == {
        "name": [("This venue already has a room of this name.", "unique")]
    }


def test_session_ends_after_start_names_the_end(workshop):
    session = Session(workshop=workshop, title="Backwards", starts_at=at(27, 10), ends_at=at(27, 9))
    # clean() says it first, on the same field; the rule is then not reported twice.
    assert refusals(session.full_clean) == {
        "ends_at": [("A session must end after it starts.", None)]
    }
    assert refusals(session.validate_constraints) == {
        "ends_at": [("A session must end after it starts.", "ends_before_start")]
    }


def test_session_uid_unique_per_workshop_names_the_uid(workshop, make_session):
    first = make_session(workshop)
    copy = Session(
        workshop=workshop, title="Copy", starts_at=at(28, 9), ends_at=at(28, 10), uid=first.uid
    )
    assert refusals(copy.full_clean) == {
        "uid": [("Another session of this workshop already has this calendar UID.", "unique")]
    }
