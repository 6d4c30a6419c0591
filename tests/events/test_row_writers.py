"""Every writer of agencies and trainers (the organiser's form, the admin, the API, the
demo), rooms and topics (the admin, the demo) describes one alike, as
``events.services.AgencyData``, ``TrainerData``, ``RoomData`` or ``TopicData``, to the
services that write them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from events import services
from events.models import Agency, Programme, Room, Topic, Trainer, Workshop, WorkshopAgency
from reports.demo.loader import load_demo
from tests import factories
from tests.events.conftest import NEW_WORKSHOP, workshop_form
from tests.test_admin import url
from tests.test_admin import workshop_form as admin_workshop_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("site-admin", "site-admin@example.org", None)


def recorded_calls(monkeypatch, names) -> list:
    """(service, type of its ``data``) of each call of the services ``names``, which go on
    as they would."""
    told = []
    for name in names:
        original = getattr(services, name)

        def recorded(*, data, _original=original, _name=name, **kwargs):
            told.append((_name, type(data)))
            return _original(data=data, **kwargs)

        monkeypatch.setattr(services, name, recorded)
    return told


@pytest.fixture
def row_writes(monkeypatch) -> list:
    """The calls of the services that create and change agencies, trainers, rooms and
    topics."""
    kinds = ("agency", "trainer", "room", "topic")
    return recorded_calls(
        monkeypatch, [f"{do}_{kind}" for kind in kinds for do in ("create", "update")]
    )


def test_every_writer_of_trainers_hands_the_services_a_trainer_data(
    row_writes, client, organiser, superuser
):
    """The organiser's form, the admin and the API describe a trainer alike, as
    ``services.TrainerData``, to ``create_trainer`` and ``update_trainer``."""
    form = {"name": "Mi XiaoXiong", "name_local": "", "honorific": "Dr.", "position": ""}
    form |= {"agency": "", "bio": "", "email": ""}
    client.force_login(organiser)
    client.post(reverse("events:trainer_create"), form)
    mi = Trainer.objects.get(name="Mi XiaoXiong")
    client.post(reverse("events:trainer_edit", args=[mi.pk]), {**form, "position": "researcher"})
    client.force_login(superuser)
    client.post(url(Trainer, "add"), {**form, "name": "Tong JiYu"})
    tong = Trainer.objects.get(name="Tong JiYu")
    client.post(url(Trainer, "change", tong.pk), {**form, "name": "Tong JiYu", "bio": "Yunnan"})
    api = APIClient()
    api.force_authenticate(organiser)
    made = api.post("/api/v1/trainers/", {"name": "Liang ShuYing"}, format="json").json()
    api.patch(f"/api/v1/trainers/{made['id']}/", {"honorific": "Prof."}, format="json")

    mi.refresh_from_db()
    tong.refresh_from_db()
    assert (mi.position, tong.bio) == ("researcher", "Yunnan")
    assert (tong.created_by, mi.created_by) == (None, organiser)  # the admin records nobody
    liang = Trainer.objects.get(pk=made["id"])
    assert (liang.name, liang.honorific) == ("Liang ShuYing", "Prof.")  # PATCH keeps the rest
    # Created and changed by the form, then by the admin, then by the API.
    assert (
        row_writes
        == [
            ("create_trainer", services.TrainerData),
            ("update_trainer", services.TrainerData),
        ]
        * 3
    )


def test_every_writer_of_agencies_hands_the_services_an_agency_data(
    row_writes, client, organiser, superuser, workshop
):
    """The organiser's page (a new agency with its role), the admin and the API describe an
    agency alike, as ``services.AgencyData``, to ``create_agency`` and ``update_agency``."""
    form = {"name": "UNIAP China Office", "name_local": "", "acronym": "UNIAP", "kind": "un"}
    form |= {"level": "national", "region": "", "country": "China", "parent": "", "website": ""}
    client.force_login(organiser)
    client.post(
        reverse("events:agency_create", args=[workshop.slug]),
        {**form, "parent_query": "", "role": "partner", "note": ""},
    )
    uniap = Agency.objects.get(name="UNIAP China Office")
    assert WorkshopAgency.objects.get(agency=uniap).role == "partner"
    client.force_login(superuser)
    client.post(url(Agency, "add"), {**form, "name": "IOM China", "acronym": "IOM"})
    iom = Agency.objects.get(name="IOM China")
    changed = {**form, "name": "IOM China", "acronym": "IOM", "region": "Beijing"}
    client.post(url(Agency, "change", iom.pk), {**changed, "parent": uniap.pk})
    api = APIClient()
    api.force_authenticate(organiser)
    made = api.post("/api/v1/agencies/", {"name": "UN Women", "kind": "un"}, format="json").json()

    iom.refresh_from_db()
    assert (iom.region, iom.parent) == ("Beijing", uniap)
    un_women = Agency.objects.get(pk=made["id"])
    assert (un_women.kind, un_women.level) == ("un", "national")  # the model's default level
    # Created by the organiser's page, created and changed by the admin, created by the API.
    assert row_writes == [
        ("create_agency", services.AgencyData),
        ("create_agency", services.AgencyData),
        ("update_agency", services.AgencyData),
        ("create_agency", services.AgencyData),
    ]


@pytest.mark.parametrize(
    ("model", "data", "changed"),
    [
        (Room, {"name": "Hall A", "venue": "Guesthouse", "city": "", "capacity": ""}, "city"),
        (
            Topic,
            {"name": "Victim identification", "name_local": "", "description": ""},
            "name_local",
        ),
    ],
    ids=["room", "topic"],
)
def test_the_admin_hands_the_services_a_room_or_topic_data(
    row_writes, client, superuser, model, data, changed
):
    kind = model._meta.model_name
    client.force_login(superuser)
    assert client.post(url(model, "add"), data).status_code == 302
    row = model.objects.get(name=data["name"])
    assert (
        client.post(url(model, "change", row.pk), {**data, changed: "Lijiang"}).status_code == 302
    )
    row.refresh_from_db()
    assert getattr(row, changed) == "Lijiang"
    data_class = getattr(services, f"{model.__name__}Data")
    assert row_writes == [(f"create_{kind}", data_class), (f"update_{kind}", data_class)]


def test_the_demo_hands_the_services_an_agency_trainer_room_and_topic_data(row_writes):
    load_demo()
    made = {"create_agency", "create_trainer", "create_room", "create_topic"}
    assert {name for name, _ in row_writes} >= made
    assert {kind for _, kind in row_writes} == {
        services.AgencyData,
        services.TrainerData,
        services.RoomData,
        services.TopicData,
    }
    assert all(kind.__name__.lower().startswith(name.split("_")[1]) for name, kind in row_writes)


@pytest.fixture
def workshop_writes(monkeypatch) -> list:
    """The calls of the services that check, create and change workshops."""
    names = ("check_workshop_update", "create_workshop", "update_workshop")
    return recorded_calls(monkeypatch, names)


def test_the_workshop_fields_are_the_workshop_data_s_in_the_fieldsets_order():
    in_fieldsets = tuple(name for _legend, names in services.WORKSHOP_FIELDSETS for name in names)
    assert in_fieldsets == services.WORKSHOP_FIELDS == services.WorkshopData.names()


def test_every_writer_of_workshops_hands_the_services_a_workshop_data(
    client, organiser, superuser, workshop_writes
):
    """The organiser's form, the admin (its check before it saves too) and the API describe a
    workshop alike, as ``services.WorkshopData``, to the services."""
    client.force_login(organiser)
    client.post(reverse("events:workshop_create"), NEW_WORKSHOP)
    border = Workshop.objects.get(title="Border Liaison Workshop")
    client.post(
        reverse("events:workshop_edit", args=[border.slug]), workshop_form(border, city="Dali")
    )
    client.force_login(superuser)
    assert client.post(url(Workshop, "add"), admin_workshop_form()).status_code == 302
    lijiang = Workshop.objects.get(slug="lijiang")
    changed = admin_workshop_form(lijiang, city="Lijiang")
    assert client.post(url(Workshop, "change", lijiang.pk), changed).status_code == 302
    api = APIClient()
    api.force_authenticate(organiser)
    new = {"title": "Mekong Workshop", "start_date": "2009-05-04", "end_date": "2009-05-06"}
    slug = api.post("/api/v1/workshops/", new, format="json").json()["slug"]
    api.patch(f"/api/v1/workshops/{slug}/", {"capacity": 40}, format="json")

    border.refresh_from_db()
    lijiang.refresh_from_db()
    assert (border.city, lijiang.city) == ("Dali", "Lijiang")
    mekong = Workshop.objects.get(slug=slug)
    assert (mekong.title, mekong.capacity) == ("Mekong Workshop", 40)  # PATCH keeps the rest
    data = services.WorkshopData
    assert workshop_writes == [
        ("create_workshop", data),  # the organiser's form
        ("update_workshop", data),
        ("check_workshop_update", data),  # the admin: its check, then the save
        ("create_workshop", data),
        ("check_workshop_update", data),
        ("update_workshop", data),
        ("create_workshop", data),  # the API
        ("update_workshop", data),
    ]


def test_the_demo_hands_the_services_a_workshop_data(workshop_writes):
    load_demo()
    assert {name for name, _ in workshop_writes} >= {"create_workshop"}
    assert {kind for _, kind in workshop_writes} == {services.WorkshopData}


def test_of_reads_from_the_row_only_what_it_is_not_told(django_assert_num_queries):
    """``WorkshopData.of(workshop, programme=..., summary_provided_by=...)`` (the admin's
    check, a PATCH) does not read the workshop's own programme and agency first."""
    programme = Programme.objects.create(name="Counter-trafficking")
    agency = Agency.objects.create(name="Ministry of Public Security")
    made = factories.workshop(programme=programme, summary_provided_by=agency)
    workshop = Workshop.objects.get(pk=made.pk)  # its foreign keys not read yet
    with django_assert_num_queries(0):
        data = services.WorkshopData.of(workshop, programme=None, summary_provided_by=None)
    assert (data.programme, data.summary_provided_by, data.title) == (None, None, made.title)
