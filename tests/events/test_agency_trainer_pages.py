"""The organiser's agency and trainer pages, and the pages in Chinese."""

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from events import services
from events.models import Agency, Trainer, Workshop, WorkshopAgency
from tests.events.conftest import html_of


@pytest.mark.django_db
def test_agencies_search_add_create_with_parent_and_remove(organiser_client, workshop):
    un = Agency.objects.create(name="United Nations", acronym="UN", kind=Agency.Kind.UN)
    Agency.objects.create(name="Ministry of Public Security", acronym="MPS", name_local="公安部")
    url = reverse("events:workshop_agencies", args=[workshop.slug])

    html = organiser_client.get(url + "?q=公安").content.decode()
    assert "Ministry of Public Security" in html
    assert "United Nations" not in html.split("Agencies found")[1]

    mps = Agency.objects.get(acronym="MPS")
    organiser_client.post(url, {"agency": mps.pk, "role": "host", "note": ""})
    assert WorkshopAgency.objects.filter(workshop=workshop, agency=mps, role="host").exists()
    # The same again is refused with the reason.
    response = organiser_client.post(url, {"agency": mps.pk, "role": "host"}, follow=True)
    assert "Ministry of Public Security (MPS) is already listed as host." in (
        response.content.decode()
    )

    create = reverse("events:agency_create", args=[workshop.slug])
    typed = {
        "name": "UNIAP China Office",
        "acronym": "UNIAP",
        "kind": "un",
        "level": "national",
        "parent_query": "united",
        "role": "partner",
        "note": "",
    }
    found = organiser_client.post(create, {**typed, "find_parent": "1"})
    assert found.status_code == 200
    assert not found.context["form"].is_bound  # a search, not a save: no errors shown
    assert f'<option value="{un.pk}">United Nations (UN)</option>' in found.content.decode()
    assert 'value="UNIAP China Office"' in found.content.decode()
    organiser_client.post(create, {**typed, "parent": un.pk})
    uniap = Agency.objects.get(acronym="UNIAP")
    assert uniap.parent == un
    role = WorkshopAgency.objects.get(workshop=workshop, agency=uniap)
    assert role.role == "partner"

    organiser_client.post(reverse("events:agency_role_remove", args=[workshop.slug, role.pk]))
    assert not WorkshopAgency.objects.filter(pk=role.pk).exists()
    assert Agency.objects.filter(pk=uniap.pk).exists()


@pytest.mark.django_db
def test_agency_create_refuses_a_taken_name(organiser_client, workshop):
    Agency.objects.create(name="IOM")
    response = organiser_client.post(
        reverse("events:agency_create", args=[workshop.slug]),
        {"name": "IOM", "kind": "international", "level": "international", "role": "partner"},
    )
    assert response.context["form"].errors["name"] == [
        "Agency with this Name (English) already exists."
    ]


@pytest.mark.django_db
def test_trainer_list_searches_and_detail_shows_what_they_teach(
    organiser_client, workshop, session, trainer, make_workshop, make_session, other_organiser
):
    hidden = make_workshop(
        title="Someone's Draft", slug="someones-draft", status=Workshop.Status.DRAFT
    )
    hidden.organisers.add(other_organiser)
    make_session(hidden, title="Secret session", trainers=[trainer])
    Trainer.objects.create(name="Mi XiaoXiong", honorific="Dr.")

    html = organiser_client.get(reverse("events:trainer_list") + "?q=liang").content.decode()
    assert "Prof. Liang ShuYing" in html
    assert "Mi XiaoXiong" not in html

    html = html_of(organiser_client, "events:trainer_detail", trainer.pk)
    assert "National Anti-Trafficking Workshop" in html
    assert "27 Aug 2007, 09:00" in html
    assert "Trafficking definitions" in html
    assert "Secret session" not in html


@pytest.mark.django_db
def test_trainer_create_and_edit(organiser_client):
    response = organiser_client.post(
        reverse("events:trainer_create"),
        {"name": "Tong JiYu", "position": "Researcher", "email": "not-an-address"},
    )
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    response = organiser_client.post(
        reverse("events:trainer_create"), {"name": "Tong JiYu", "position": "Researcher"}
    )
    trainer = Trainer.objects.get(name="Tong JiYu")
    assert response["Location"] == reverse("events:trainer_detail", args=[trainer.pk])
    organiser_client.post(
        reverse("events:trainer_edit", args=[trainer.pk]),
        {"name": "Tong JiYu", "name_local": "童吉渝", "position": "Researcher"},
    )
    trainer.refresh_from_db()
    assert trainer.name_local == "童吉渝"


@pytest.mark.django_db
def test_organiser_pages_speak_simplified_chinese(organiser_client, workshop, session):
    response = organiser_client.get(
        reverse("events:timetable", args=[workshop.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = response.content.decode()
    assert "添加日程" in html
    assert "日程表" in html


@pytest.mark.django_db
def test_the_note_on_an_agencys_role_is_changed_in_place(
    organiser_client, other_organiser, workshop
):
    one, two = Agency.objects.create(name="IOM"), Agency.objects.create(name="UNICEF")
    services.add_agency_role(workshop=workshop, agency=one, role="attending")
    role = services.add_agency_role(workshop=workshop, agency=two, role="attending")
    page = reverse("events:workshop_agencies", args=[workshop.slug])
    note = reverse("events:agency_role_note", args=[workshop.slug, role.pk])
    assert f'action="{note}"' in organiser_client.get(page).content.decode()

    response = organiser_client.post(note, {"note": "also sent personnel to attend"}, follow=True)
    assert "The note on UNICEF as attending is saved." in response.content.decode()
    role.refresh_from_db()
    assert (role.note, role.order) == ("also sent personnel to attend", 1)
    refused = organiser_client.post(note, {"note": "x" * 256}, follow=True)
    assert "at most 255 characters" in refused.content.decode()
    role.refresh_from_db()
    assert role.note == "also sent personnel to attend"
    # Only the workshop's organisers may.
    assert organiser_client.get(note).status_code == 405
    stranger = Client()
    assert stranger.post(note, {"note": ""}).url.startswith(reverse("login"))
    stranger.force_login(other_organiser)
    assert stranger.post(note, {"note": ""}).status_code == 404
    role.refresh_from_db()
    assert role.note == "also sent personnel to attend"


@pytest.mark.django_db
def test_a_note_is_refused_on_another_workshops_role_and_without_nul_and_escaped(
    organiser_client, organiser, other_organiser, workshop
):
    """An organiser of another workshop, through their own workshop's address, reaches no
    role of this one; nor does a post without the CSRF token; a NUL byte is refused (400);
    the note is shown as text; the change is in the audit trail."""
    from auditlog.models import LogEntry

    agency = Agency.objects.create(name="IOM")
    role = services.add_agency_role(workshop=workshop, agency=agency, role="attending")
    theirs = Workshop.objects.get(slug="another")
    attacker = Client()
    attacker.force_login(other_organiser)
    sideways = reverse("events:agency_role_note", args=[theirs.slug, role.pk])
    assert attacker.post(sideways, {"note": "pwned"}).status_code == 404
    role.refresh_from_db()
    assert role.note == ""

    note = reverse("events:agency_role_note", args=[workshop.slug, role.pk])
    forged = Client(enforce_csrf_checks=True)  # a page elsewhere posting as the organiser
    forged.force_login(organiser)
    assert forged.post(note, {"note": "forged"}).status_code == 403
    refused = organiser_client.post(note, {"note": "a\x00b"})  # the site's page for it
    assert refused.status_code == 400
    assert "cannot be stored (a NUL byte" in refused.content.decode()
    role.refresh_from_db()
    assert role.note == ""

    organiser_client.post(note, {"note": '<script>alert("x")</script>'})
    html = organiser_client.get(reverse("events:workshop_agencies", args=[workshop.slug]))
    html = html.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    entry = LogEntry.objects.get_for_object(role).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["note"] == ["", '<script>alert("x")</script>']


@pytest.mark.django_db
def test_roles_numbered_from_1_before_are_moved_copied_and_placed_by_position(
    organiser_client, organiser, workshop
):
    """Databases loaded before positions counted from 0 hold 1, 2, 3 (and the old admin let
    any number be typed): the arrows, a copy and a placement go by place, not number."""
    agencies = [Agency.objects.create(name=name) for name in ("IOM", "UNICEF", "UNIAP")]
    for number, agency in enumerate(agencies, start=1):
        role = services.add_agency_role(workshop=workshop, agency=agency, role="attending")
        WorkshopAgency.objects.filter(pk=role.pk).update(order=number * 10)

    def named(of=workshop):
        rows = of.agency_roles.filter(role="attending").order_by("order", "pk")
        return [(row.agency.name, row.order) for row in rows]

    uniap = WorkshopAgency.objects.get(agency=agencies[2])
    organiser_client.post(
        reverse("events:agency_role_move", args=[workshop.slug, uniap.pk]), {"direction": "up"}
    )
    assert named() == [("IOM", 0), ("UNIAP", 1), ("UNICEF", 2)]
    WorkshopAgency.objects.filter(workshop=workshop).update(order=models.F("order") + 1)
    copy = services.copy_workshop(source=workshop, start_date=workshop.start_date, by=organiser)
    assert [name for name, _order in named(copy)] == ["IOM", "UNIAP", "UNICEF"]
    services.place_agency_role(agency_role=uniap, position=0)
    assert named() == [("UNIAP", 0), ("IOM", 1), ("UNICEF", 2)]


@pytest.mark.django_db
def test_the_role_note_speaks_simplified_chinese(organiser_client, workshop):
    agency = Agency.objects.create(name="IOM")
    role = services.add_agency_role(workshop=workshop, agency=agency, role="attending")
    page = reverse("events:workshop_agencies", args=[workshop.slug])
    html = organiser_client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "添加备注" in html
    assert "关于 IOM 的备注" in html
    note = reverse("events:agency_role_note", args=[workshop.slug, role.pk])
    saved = organiser_client.post(
        note, {"note": "也派员参加"}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )
    assert "的备注已保存。" in saved.content.decode()
    assert "修改备注" in saved.content.decode()
