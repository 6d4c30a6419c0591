"""What reports need is never lost to a deletion or a capacity cut: agencies in use are
protected, and a capacity below the confirmed seats is refused with their number."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from events.models import Agency, AgencyMember, Trainer, Workshop
from tests import factories
from tests.events.conftest import workshop_form

pytestmark = pytest.mark.django_db


def confirm(workshop, count):
    for number in range(count):
        factories.registration(workshop, f"Person {number}", email=f"p{number}@example.org")


def test_capacity_below_the_confirmed_seats_is_refused_naming_the_number(
    client, organiser, workshop
):
    confirm(workshop, 3)
    client.force_login(organiser)
    url = reverse("events:workshop_edit", args=[workshop.slug])

    response = client.post(url, workshop_form(workshop, capacity="2"))

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "3 seats are already confirmed: the capacity cannot be lower than 3. Cancel "
        "registrations first to lower it."
    ]
    workshop.refresh_from_db()
    assert workshop.capacity == 30
    # Exactly the seats taken is allowed.
    assert client.post(url, workshop_form(workshop, capacity="3")).status_code == 302
    workshop.refresh_from_db()
    assert workshop.capacity == 3


def test_admin_refuses_a_capacity_below_the_confirmed_seats(admin_client, workshop):
    confirm(workshop, 2)
    page = admin_client.get(reverse("admin:events_workshop_change", args=[workshop.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update(
        {
            "capacity": "1",
            "start_date": "2007-08-26",
            "end_date": "2007-08-31",
            "organisers": [],
            "agency_roles-TOTAL_FORMS": "0",
            "agency_roles-INITIAL_FORMS": "0",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(reverse("admin:events_workshop_change", args=[workshop.pk]), data)

    assert response.status_code == 200
    assert "2 seats are already confirmed: the capacity cannot be lower than 2." in (
        response.content.decode()
    )
    assert Workshop.objects.get(pk=workshop.pk).capacity == 30


def test_agency_a_trainer_belongs_to_cannot_be_deleted():
    agency = Agency.objects.create(name="Ministry of Public Security")
    trainer = Trainer.objects.create(name="Zhang Jun", agency=agency)

    with pytest.raises(ProtectedError):
        agency.delete()
    trainer.refresh_from_db()
    assert trainer.agency == agency


def test_agency_with_members_cannot_be_deleted(funder, funder_agency):
    with pytest.raises(ProtectedError):
        funder_agency.delete()
    assert AgencyMember.objects.get(user=funder).agency == funder_agency


def test_admin_refuses_to_delete_an_agency_in_use_and_names_why(admin_client):
    agency = Agency.objects.create(name="Ministry of Public Security")
    Trainer.objects.create(name="Zhang Jun", agency=agency)
    url = reverse("admin:events_agency_delete", args=[agency.pk])

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert "Zhang Jun" in page
    assert Agency.objects.filter(pk=agency.pk).exists()
