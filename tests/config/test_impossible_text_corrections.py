"""The correction, merge and mapping forms refuse impossible text like every other form: a
400 naming the field, never a 500 (PostgreSQL's driver refuses NUL outright)."""

import pytest
from django.urls import reverse

from events.models import Trainer

pytestmark = pytest.mark.django_db


def _forms(workshop, registration, trainer):
    slug = workshop.slug
    return [
        (reverse("participants:registration_edit", args=[slug, registration.pk]), "name", True),
        (reverse("participants:personal_details", args=[registration.token]), "name", False),
        (reverse("participants:typed_agencies", args=[slug]), "text", True),
        (reverse("participants:registrations_bulk_confirm", args=[slug]), "action", True),
        (reverse("events:trainer_merge", args=[trainer.pk]), "duplicate", True),
    ]


@pytest.mark.parametrize("index", range(5))
def test_each_new_form_with_a_nul_is_refused_naming_the_field(
    client, organiser, workshop, participant_registration, index
):
    trainer = Trainer.objects.create(name="Zhang Wei")
    url, field, signed_in = _forms(workshop, participant_registration, trainer)[index]
    if signed_in:
        client.force_login(organiser)

    response = client.post(url, {field: "Li\x00Mei"})

    assert response.status_code == 400
    assert f"The field “{field}” contains a character that cannot be stored" in (
        response.content.decode()
    )
    participant_registration.refresh_from_db()
    assert participant_registration.name == "Li Mei"
