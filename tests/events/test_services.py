"""The rules behind the organiser pages, called directly as the admin and the API call them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import Agency, Room, Session, Topic, Trainer, Workshop, WorkshopAgency
from participants.models import Registration
from tests import factories
from tests.conftest import at

Status = Workshop.Status
ALL = list(Status.values)
ALLOWED = {
    ("draft", "published"),
    ("draft", "cancelled"),
    ("published", "closed"),
    ("published", "completed"),
    ("published", "cancelled"),
    ("closed", "published"),
    ("closed", "completed"),
    ("closed", "cancelled"),
    ("completed", "closed"),  # reopened to correct it
}


def refused_status_change(workshop, status) -> list[str]:
    """The messages with which the service refuses ``workshop`` the ``status``; the workshop
    is read back to check that it kept the status it had."""
    kept = workshop.status
    with pytest.raises(ValidationError) as refused:
        services.change_workshop_status(workshop=workshop, status=status)
    workshop.refresh_from_db()
    assert workshop.status == kept
    return refused.value.messages


@pytest.mark.django_db
@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("target", ALL)
def test_change_workshop_status_follows_the_transitions(make_workshop, current, target):
    workshop = make_workshop(status=current)
    if (current, target) in ALLOWED:
        services.change_workshop_status(workshop=workshop, status=target)
        workshop.refresh_from_db()
        assert workshop.status == target
    else:
        assert refused_status_change(workshop, target) == [
            f"A workshop that is “{Status(current).label}” cannot become “{Status(target).label}”."
        ]


@pytest.mark.django_db
def test_change_workshop_status_refuses_an_unknown_status(workshop):
    with pytest.raises(ValidationError, match="“postponed” is not a workshop status"):
        services.change_workshop_status(workshop=workshop, status="postponed")


@pytest.mark.django_db
def test_change_workshop_status_judges_by_the_saved_status_not_a_stale_copy(workshop):
    stale = Workshop.objects.get(pk=workshop.pk)
    services.change_workshop_status(workshop=workshop, status=Status.CANCELLED)
    with pytest.raises(ValidationError, match="“Cancelled” cannot become “Registration closed”"):
        services.change_workshop_status(workshop=stale, status=Status.CLOSED)


@pytest.mark.django_db
def test_allowed_transitions_name_the_buttons(make_workshop):
    labels = [t.label for t in services.allowed_transitions(make_workshop(status="closed"))]
    assert labels == ["Reopen registration", "Mark completed", "Cancel workshop"]
    done = services.allowed_transitions(make_workshop(status="completed", slug="done"))
    assert [t.label for t in done] == ["Reopen to correct it"]


def new_workshop(**fields) -> services.WorkshopData:
    """A new workshop of 10-12 March 2008, with ``fields``; the model's defaults for the rest."""
    dates = {"start_date": date(2008, 3, 10), "end_date": date(2008, 3, 12)}
    return services.WorkshopData.of(Workshop(), **dates, **fields)


@pytest.mark.django_db
def test_create_workshop_is_a_draft_with_a_slug_and_its_organiser(organiser):
    workshop = services.create_workshop(
        data=new_workshop(title="Border Liaison Workshop", timezone="Asia/Bangkok", capacity=20),
        by=organiser,
    )
    with pytest.raises(TypeError):  # not a field an organiser sets
        services.WorkshopData.of(Workshop(), status=Status.COMPLETED)
    assert workshop.status == Status.DRAFT
    assert workshop.slug == "border-liaison-workshop-2008"
    assert list(workshop.organisers.all()) == [organiser]


@pytest.mark.django_db
def test_create_workshop_refuses_bad_values_naming_the_field(organiser):
    with pytest.raises(ValidationError) as refused:
        services.create_workshop(
            data=new_workshop(title="Nowhere", timezone="Mars/Olympus"), by=organiser
        )
    assert refused.value.message_dict["timezone"] == [
        "“Mars/Olympus” is not an IANA time zone name (for example Asia/Shanghai)."
    ]
    assert not Workshop.objects.filter(title="Nowhere").exists()


@pytest.mark.django_db
def test_update_workshop_refuses_dates_that_leave_a_session_outside(workshop, make_session):
    make_session(workshop, title="Opening", starts_at=at(26, 9), ends_at=at(26, 10))
    with pytest.raises(ValidationError) as refused:
        services.update_workshop(
            workshop=workshop, data=services.WorkshopData.of(workshop, start_date=date(2007, 8, 27))
        )
    assert refused.value.message_dict["start_date"] == [
        "These sessions would fall outside the new dates; move them first: "
        "“Opening” (Sunday 26 August 2007, 09:00)."
    ]
    workshop.refresh_from_db()
    assert workshop.start_date == date(2007, 8, 26)


@pytest.mark.django_db
def test_update_workshop_keeps_local_times_when_the_time_zone_changes(workshop, make_session):
    # 06:00 on the first day in Lijiang stays 06:00 on that day, now London time: the zone
    # was corrected, the timetable was not meant to move (nor fall outside the dates).
    early = make_session(workshop, title="Early start", starts_at=at(26, 6), ends_at=at(26, 7))
    late = make_session(workshop, title="Late", starts_at=at(27, 21), ends_at=at(27, 23, 30))
    london = ZoneInfo("Europe/London")

    update = services.update_workshop(
        workshop=workshop, data=services.WorkshopData.of(workshop, timezone="Europe/London")
    )

    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.starts_at, early.ends_at) == (
        datetime(2007, 8, 26, 6, tzinfo=london),
        datetime(2007, 8, 26, 7, tzinfo=london),
    )
    assert late.starts_at.astimezone(london).strftime("%d %H:%M") == "27 21:00"
    assert late.ends_at.astimezone(london).strftime("%d %H:%M") == "27 23:30"
    assert (early.sequence, late.sequence) == (1, 1)  # calendars must take the move
    assert update.zone_change == services.ZoneChange(
        old="Asia/Shanghai", new="Europe/London", sessions=2
    )
    assert update.zone_change.message() == (
        "The time zone changed from Asia/Shanghai to Europe/London. The 2 sessions keep their "
        "local times (09:00 stays 09:00, now Europe/London time), so they moved for anyone "
        "elsewhere; subscribed calendars update."
    )


@pytest.mark.django_db
def test_update_workshop_without_a_zone_change_moves_no_session(workshop, make_session):
    session = make_session(workshop, starts_at=at(26, 9), ends_at=at(26, 10))
    update = services.update_workshop(
        workshop=workshop, data=services.WorkshopData.of(workshop, title="Renamed")
    )
    session.refresh_from_db()
    assert update.zone_change is None
    assert (session.starts_at, session.sequence) == (at(26, 9), 0)


# Copying a workshop ------------------------------------------------------------------------


@pytest.fixture
def programme(workshop, make_session, organiser):
    """The Lijiang workshop with agencies, trainers, topics, rooms and a participant."""
    host = Agency.objects.create(name="Ministry of Public Security")
    partner = Agency.objects.create(name="International Organisation for Migration")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role="host", order=0)
    WorkshopAgency.objects.create(
        workshop=workshop, agency=partner, role="partner", order=1, note="also sent personnel"
    )
    liang = Trainer.objects.create(name="Liang ShuYing")
    huang = Trainer.objects.create(name="Huang TaiYun")
    law = Topic.objects.create(name="Criminal law")
    hall = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel")
    make_session(
        workshop,
        title="Definitions",
        starts_at=at(27, 9),
        ends_at=at(27, 10, 30),
        trainers=[liang, huang],
        topics=[law],
        room=hall,
    )
    make_session(
        workshop,
        title="Prosecution",
        starts_at=at(31, 14),
        ends_at=at(31, 15, 30),
        trainers=[huang],
    )
    make_session(
        workshop,
        title="Dropped",
        starts_at=at(28, 9),
        ends_at=at(28, 10),
        status=Session.Status.CANCELLED,
    )
    factories.registration(workshop, "Li Mei", email="")  # confirmed, by the organiser, no address
    workshop.registration_opens_at = at(1, 9)
    workshop.narrative = "Lively discussions took place."
    workshop.save()
    return workshop


@pytest.mark.django_db
def test_copy_workshop_shifts_the_timetable_keeping_local_times(programme, make_user):
    copier = make_user("copier")
    copy = services.copy_workshop(source=programme, start_date=date(2008, 8, 24), by=copier)

    assert (copy.start_date, copy.end_date) == (date(2008, 8, 24), date(2008, 8, 29))
    assert copy.status == Status.DRAFT
    assert copy.slug == "national-anti-trafficking-workshop-2008"
    assert list(copy.organisers.all()) == [copier]
    assert copy.timezone == "Asia/Shanghai"
    assert copy.narrative == ""
    assert copy.registration_opens_at == datetime(2008, 7, 30, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert not copy.registrations.exists()

    sessions = list(copy.sessions.order_by("starts_at"))
    tz = ZoneInfo("Asia/Shanghai")
    assert [(s.title, s.starts_at.astimezone(tz).isoformat()) for s in sessions] == [
        ("Definitions", "2008-08-25T09:00:00+08:00"),
        ("Prosecution", "2008-08-29T14:00:00+08:00"),
    ]
    first = sessions[0]
    assert sorted(t.name for t in first.trainers.all()) == ["Huang TaiYun", "Liang ShuYing"]
    assert [t.name for t in first.topics.all()] == ["Criminal law"]
    assert first.room.name == "Jade Hall"
    assert first.sequence == 0
    old_uids = set(programme.sessions.values_list("uid", flat=True))
    assert not old_uids & {s.uid for s in sessions}

    roles = [(r.agency.name, r.role, r.order, r.note) for r in copy.agency_roles.order_by("order")]
    assert roles == [
        ("Ministry of Public Security", "host", 0, ""),
        ("International Organisation for Migration", "partner", 1, "also sent personnel"),
    ]
    # The original is untouched.
    assert programme.sessions.count() == 3
    assert programme.registrations.count() == 1


@pytest.mark.django_db
def test_copy_workshop_keeps_the_place_and_objectives_in_both_scripts(make_workshop, organiser):
    source = make_workshop(
        title_local="全国反拐培训班",
        venue="Guanfang Hotel",
        venue_local="官房大酒店",
        city_local="丽江",
        region="Yunnan Province",
        region_local="云南省",
        country="China",
        country_local="中国",
        objectives="To improve the capabilities of anti-trafficking personnel.",
        objectives_local="提高反拐工作人员的能力。",
        narrative="Lively discussions took place.",
        narrative_local="讨论热烈。",
    )

    copy = services.copy_workshop(source=source, start_date=date(2008, 8, 24), by=organiser)

    fields = ("title_local", "venue_local", "city_local", "region_local", "country_local")
    assert [getattr(copy, name) for name in fields] == [getattr(source, name) for name in fields]
    assert copy.objectives_local == "提高反拐工作人员的能力。"
    # The narrative tells what happened at the old edition, in either script.
    assert (copy.narrative, copy.narrative_local) == ("", "")


@pytest.mark.django_db
def test_copy_workshop_keeps_wall_clock_times_across_a_summer_time_change(
    make_workshop, make_session, organiser
):
    berlin = ZoneInfo("Europe/Berlin")
    winter = make_workshop(
        title="Berlin Workshop",
        start_date=date(2023, 3, 20),
        end_date=date(2023, 3, 22),
        timezone="Europe/Berlin",
    )
    make_session(
        winter,
        title="Morning",
        starts_at=datetime(2023, 3, 21, 9, tzinfo=berlin),
        ends_at=datetime(2023, 3, 21, 10, 30, tzinfo=berlin),
    )
    # Clocks go forward on 26 March 2023: 09:00 is 08:00 UTC before, 07:00 UTC after.
    copy = services.copy_workshop(source=winter, start_date=date(2023, 4, 3), by=organiser)
    session = copy.sessions.get()
    assert session.starts_at.astimezone(berlin).isoformat() == "2023-04-04T09:00:00+02:00"
    assert session.ends_at.astimezone(berlin).isoformat() == "2023-04-04T10:30:00+02:00"
    assert session.starts_at.isoformat() == "2023-04-04T07:00:00+00:00"
    # And back again, into winter time.
    back = services.copy_workshop(source=copy, start_date=date(2023, 10, 30), by=organiser)
    assert back.sessions.get().starts_at.astimezone(berlin).isoformat() == (
        "2023-10-31T09:00:00+01:00"
    )


@pytest.mark.django_db
def test_copy_workshop_takes_the_title_given(programme, organiser):
    copy = services.copy_workshop(
        source=programme, start_date=date(2007, 11, 5), title="Follow-up Workshop", by=organiser
    )
    assert copy.title == "Follow-up Workshop"
    assert copy.slug == "follow-up-workshop-2007"


# Sessions ----------------------------------------------------------------------------------


@pytest.fixture
def booked(workshop, make_session, liang):
    return make_session(
        workshop,
        title="Definitions",
        starts_at=at(27, 9),
        ends_at=at(27, 10, 30),
        trainers=[liang],
    )


def _data(**values):
    return {
        "title": "Victim protection",
        "kind": "lecture",
        "starts_at": at(27, 10),
        "ends_at": at(27, 11),
        **values,
    }


@pytest.mark.django_db
def test_save_session_refuses_a_trainer_in_two_places(workshop, booked, liang):
    with pytest.raises(ValidationError) as refused:
        services.save_session(workshop=workshop, data=_data(), trainers=[liang])
    assert refused.value.message_dict == {
        "trainers": [
            "Prof. Liang ShuYing also teaches “Definitions” "
            "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
        ]
    }
    assert workshop.sessions.count() == 1


@pytest.mark.django_db
def test_save_session_refuses_a_trainer_booked_in_another_workshop(
    workshop, make_workshop, make_session, liang
):
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    make_session(
        elsewhere,
        title="Kunming lecture",
        starts_at=at(27, 10, 30),
        ends_at=at(27, 12),
        trainers=[liang],
    )
    with pytest.raises(ValidationError) as refused:
        services.save_session(workshop=workshop, data=_data(), trainers=[liang])
    # Another organiser's workshop: neither its title nor the session's is told; its time
    # is in its own zone, named.
    assert refused.value.message_dict == {
        "trainers": [
            "Prof. Liang ShuYing is busy in another workshop at that time "
            "(Monday 27 August 2007, 10:30 Asia/Shanghai)."
        ]
    }


@pytest.mark.django_db
def test_save_session_allows_back_to_back_and_ignores_cancelled(
    workshop, booked, liang, make_session
):
    make_session(
        workshop,
        title="Called off",
        starts_at=at(27, 11),
        ends_at=at(27, 12),
        trainers=[liang],
        status=Session.Status.CANCELLED,
    )
    session = services.save_session(
        workshop=workshop,
        data=_data(starts_at=at(27, 10, 30), ends_at=at(27, 12)),
        trainers=[liang],
    )
    assert list(session.trainers.all()) == [liang]


@pytest.mark.django_db
def test_save_session_refuses_times_outside_the_workshop(workshop):
    with pytest.raises(ValidationError) as refused:
        services.save_session(
            workshop=workshop, data=_data(starts_at=at(25, 9), ends_at=at(25, 10))
        )
    assert refused.value.message_dict["starts_at"] == [
        "The session must lie within the workshop's dates, "
        "Sunday 26 August 2007 to Friday 31 August 2007 (Asia/Shanghai)."
    ]


@pytest.mark.django_db
def test_save_session_refuses_an_end_before_the_start(workshop):
    with pytest.raises(ValidationError) as refused:
        services.save_session(workshop=workshop, data=_data(ends_at=at(27, 9)))
    assert refused.value.message_dict == {"ends_at": ["A session must end after it starts."]}


@pytest.mark.django_db
def test_save_session_edit_excludes_itself_and_raises_the_revision(workshop, booked, liang):
    services.save_session(
        workshop=workshop,
        data={"starts_at": at(27, 9, 30), "ends_at": at(27, 11)},
        trainers=[liang],
        session=booked,
    )
    booked.refresh_from_db()
    assert booked.starts_at == at(27, 9, 30)
    assert booked.sequence == 1


@pytest.mark.django_db
def test_move_session_refuses_a_room_clash(workshop, make_session):
    hall = Room.objects.create(name="Jade Hall")
    first = make_session(
        workshop, title="First", starts_at=at(27, 9), ends_at=at(27, 10), room=hall
    )
    second = make_session(
        workshop, title="Second", starts_at=at(28, 9), ends_at=at(28, 10), room=hall
    )
    with pytest.raises(ValidationError, match="Jade Hall is also booked for “First”"):
        services.move_session(session=second, starts_at=at(27, 9, 30), ends_at=at(27, 10, 30))
    second.refresh_from_db()
    assert second.starts_at == at(28, 9)
    moved = services.move_session(session=second, starts_at=at(27, 10), ends_at=at(27, 11))
    assert moved.sequence == 1
    assert first.pk != moved.pk


@pytest.mark.django_db
def test_cancel_then_reinstate_session_unless_something_took_its_place(
    workshop, booked, liang, make_session
):
    services.cancel_session(session=booked)
    booked.refresh_from_db()
    assert booked.status == Session.Status.CANCELLED
    assert booked.sequence == 1
    # Its trainer is now free, and someone books them.
    make_session(
        workshop, title="Replacement", starts_at=at(27, 9), ends_at=at(27, 10), trainers=[liang]
    )
    with pytest.raises(ValidationError, match="also teaches “Replacement”"):
        services.reinstate_session(session=booked)
    booked.refresh_from_db()
    assert booked.status == Session.Status.CANCELLED


# Agencies and trainers ---------------------------------------------------------------------


@pytest.mark.django_db
def test_add_agency_role_appends_in_order_and_refuses_a_repeat(workshop):
    one = Agency.objects.create(name="National Working Committee on Children and Women")
    two = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    first = services.add_agency_role(workshop=workshop, agency=one, role="host")
    second = services.add_agency_role(workshop=workshop, agency=two, role="host")
    assert (first.order, second.order) == (0, 1)
    # The same agency may have another role.
    services.add_agency_role(workshop=workshop, agency=two, role="attending")
    with pytest.raises(ValidationError, match=r"Ministry of Public Security \(MPS\) is already"):
        services.add_agency_role(workshop=workshop, agency=two, role="host")

    services.move_agency_role(agency_role=second, up=True)
    hosts = WorkshopAgency.objects.filter(workshop=workshop, role="host").order_by("order")
    assert [r.agency_id for r in hosts] == [two.pk, one.pk]
    services.remove_agency_role(agency_role=second)
    assert [r.agency_id for r in hosts.all()] == [one.pk]
    assert Agency.objects.filter(pk=two.pk).exists()


@pytest.mark.django_db
def test_agency_roles_are_placed_from_0_and_annotated(workshop):
    one, two, three = (
        Agency.objects.create(name=name) for name in ("Ministry One", "Ministry Two", "Three")
    )
    services.add_agency_role(workshop=workshop, agency=one, role="attending")
    services.add_agency_role(workshop=workshop, agency=two, role="attending")
    first = services.add_agency_role(
        workshop=workshop, agency=three, role="attending", note="also sent personnel", position=0
    )
    assert first.order == 0
    attending = WorkshopAgency.objects.filter(workshop=workshop, role="attending")

    def named():
        return [(r.agency.name, r.order, r.note) for r in attending.order_by("order")]

    assert named() == [
        ("Three", 0, "also sent personnel"),
        ("Ministry One", 1, ""),
        ("Ministry Two", 2, ""),
    ]
    placed = services.place_agency_role(agency_role=first, position=9)  # past the last: last
    assert [(r.agency.name, r.order) for r in placed] == [
        ("Ministry One", 0),
        ("Ministry Two", 1),
        ("Three", 2),
    ]
    services.update_agency_role(agency_role=first, note="")
    assert named()[2] == ("Three", 2, "")
    with pytest.raises(ValidationError):
        services.update_agency_role(agency_role=first, note="x" * 256)


@pytest.mark.django_db
def test_create_agency_with_a_parent_and_refuse_a_taken_name():
    un = services.create_agency(
        data=services.AgencyData(name="United Nations", acronym="UN", kind="un")
    )
    office = services.create_agency(
        data=services.AgencyData(name="UNIAP China Office", parent=un, kind="un", level="national")
    )
    assert office.parent == un
    with pytest.raises(ValidationError) as refused:
        services.create_agency(data=services.AgencyData(name="United Nations"))
    assert refused.value.message_dict["name"] == ["Agency with this Name (English) already exists."]


@pytest.mark.django_db
def test_create_agency_with_role_writes_both_or_neither(workshop):
    services.add_agency_role(
        workshop=workshop,
        agency=Agency.objects.create(name="Ministry of Public Security"),
        role="host",
    )
    agency = services.create_agency_with_role(
        data=services.AgencyData(name="National Working Committee on Children and Women"),
        workshop=workshop,
        role="host",
        note="under the State Council",
    )
    hosts = WorkshopAgency.objects.filter(workshop=workshop, role="host").order_by("order")
    assert [(r.agency.name, r.order, r.note) for r in hosts] == [
        ("Ministry of Public Security", 0, ""),
        ("National Working Committee on Children and Women", 1, "under the State Council"),
    ]
    assert agency.pk == hosts[1].agency_id
    # A refused agency leaves no role behind, and a taken name no second agency.
    with pytest.raises(ValidationError):
        services.create_agency_with_role(
            data=services.AgencyData(name="Ministry of Public Security"),
            workshop=workshop,
            role="partner",
        )
    assert not WorkshopAgency.objects.filter(workshop=workshop, role="partner").exists()
    assert Agency.objects.filter(name="Ministry of Public Security").count() == 1


@pytest.mark.django_db
def test_create_and_update_trainer():
    trainer = services.create_trainer(
        data=services.TrainerData(name="Mi XiaoXiong", honorific="Dr.")
    )
    services.update_trainer(
        trainer=trainer, data=services.TrainerData.of(trainer, name_local="米晓雄")
    )
    trainer.refresh_from_db()
    assert (str(trainer), trainer.name_local) == ("Dr. Mi XiaoXiong", "米晓雄")
    with pytest.raises(ValidationError) as refused:
        services.update_trainer(
            trainer=trainer, data=services.TrainerData.of(trainer, email="nowhere")
        )
    assert refused.value.message_dict["email"] == ["Enter a valid email address."]


# Status rules: completed only once ended; a completed workshop read-only until reopened;
# a second copy to the same dates cannot be published over the first -----------------------


@pytest.mark.django_db
def test_mark_completed_is_refused_until_the_workshop_has_ended(make_workshop):
    today = date.today()
    workshop = make_workshop(
        start_date=today - timedelta(days=1), end_date=today + timedelta(days=2)
    )
    assert "Mark completed" not in [t.label for t in services.allowed_transitions(workshop)]
    assert workshop.status == Status.PUBLISHED
    [message] = refused_status_change(workshop, Status.COMPLETED)
    assert message.startswith("The workshop can be marked completed once it has ended")
    assert "(Asia/Shanghai)" in message


@pytest.mark.django_db
def test_completed_workshop_timetable_is_read_only_until_reopened(make_workshop, make_session):
    workshop = make_workshop(status=Status.COMPLETED)
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    read_only = "This workshop is completed: its timetable is read-only."
    with pytest.raises(ValidationError, match=read_only):
        services.move_session(session=session, starts_at=at(27, 11), ends_at=at(27, 12))
    with pytest.raises(ValidationError, match=read_only):
        services.cancel_session(session=session)
    with pytest.raises(ValidationError, match=read_only):
        services.save_session(
            workshop=workshop,
            data={"title": "Late addition", "starts_at": at(28, 9), "ends_at": at(28, 10)},
        )
    services.change_workshop_status(workshop=workshop, status=Status.CLOSED)
    services.move_session(session=session, starts_at=at(27, 11), ends_at=at(27, 12))
    session.refresh_from_db()
    assert session.starts_at == at(27, 11)


@pytest.mark.django_db
def test_completed_workshop_roster_is_read_only_until_reopened(make_workshop, organiser):
    from participants.services import RegistrationClosed, approve_registration, register_participant

    workshop = make_workshop(status=Status.COMPLETED)
    pending = factories.registration(workshop, "Li Mei", status=Registration.Status.PENDING)
    with pytest.raises(RegistrationClosed, match="its list of participants is read-only"):
        approve_registration(registration=pending, by=organiser)
    with pytest.raises(RegistrationClosed, match="its list of participants is read-only"):
        register_participant(
            workshop=workshop, data={"name": "Late", "email": "l@example.org"}, source="organiser"
        )
    services.change_workshop_status(workshop=workshop, status=Status.CLOSED)
    assert approve_registration(registration=pending, by=organiser).status == "confirmed"


@pytest.mark.django_db
def test_two_copies_to_the_same_dates_cannot_both_be_published(
    make_workshop, make_session, organiser
):
    source = make_workshop(title="Lijiang Workshop", slug="lijiang")
    room = Room.objects.create(name="Jade Hall", venue="Guanfang Hotel")
    make_session(source, title="Opening", starts_at=at(27, 9), ends_at=at(27, 10), room=room)
    first = services.copy_workshop(source=source, start_date=date(2008, 8, 24), by=organiser)
    second = services.copy_workshop(source=source, start_date=date(2008, 8, 24), by=organiser)
    assert second.status == Status.DRAFT
    [message] = refused_status_change(second, Status.PUBLISHED)
    assert message.startswith("The timetable has 1 clash; resolve it before publishing:")
    assert "Jade Hall" in message
    # Once the other copy is cancelled, its rooms are free again.
    services.change_workshop_status(workshop=first, status=Status.CANCELLED)
    services.change_workshop_status(workshop=second, status=Status.PUBLISHED)


@pytest.mark.django_db
def test_a_copy_takes_a_fresh_slug_without_a_doubled_year(make_workshop, organiser):
    source = make_workshop(title="Lijiang Workshop 2007", slug="lijiang-workshop-2007")
    copy = services.copy_workshop(source=source, start_date=date(2008, 8, 24), by=organiser)
    assert copy.slug == "lijiang-workshop-2008"
    again = services.copy_workshop(source=source, start_date=date(2008, 9, 24), by=organiser)
    assert again.slug == "lijiang-workshop-2008-2"
    plain = make_workshop(title="Border Workshop", slug="border")
    assert services.copy_workshop(source=plain, start_date=date(2009, 1, 5), by=organiser).slug == (
        "border-workshop-2009"
    )
