"""The completion rules an organiser sets: the workshop's share, a session's mandatory flag."""

import pytest
from django.test import Client
from django.urls import reverse

from events.forms import SessionForm, WorkshopForm
from events.models import Workshop
from tests.conftest import refused_by
from tests.events.conftest import NEW_WORKSHOP


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "kept"), [("", 80), ("65", 65), ("100", 100), ("0", 0)])
def test_workshop_form_takes_the_completion_share(typed, kept):
    form = WorkshopForm({**NEW_WORKSHOP, "completion_share": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["completion_share"] == kept


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["101", "-1", "eighty"])
def test_workshop_form_refuses_a_share_that_is_not_a_percentage(typed):
    form = WorkshopForm({**NEW_WORKSHOP, "completion_share": typed})
    assert not form.is_valid()
    assert list(form.errors) == ["completion_share"]


@pytest.mark.django_db
def test_the_database_refuses_a_share_above_100(workshop):
    workshop.completion_share = 150
    with refused_by("workshop_completion_share_at_most_100"):
        workshop.save()


def test_session_form_saves_the_mandatory_flag(workshop, organiser):
    form = SessionForm(
        {
            "title": "Closing",
            "kind": "ceremony",
            "day": "2007-08-31",
            "start_time": "16:00",
            "end_time": "17:00",
            "is_mandatory": "on",
        },
        workshop=workshop,
    )
    assert form.is_valid(), form.errors
    session = form.save()
    assert session.is_mandatory is True
    assert SessionForm(workshop=workshop, session=session).initial["is_mandatory"] is True


@pytest.mark.django_db
def test_workshop_edit_page_shows_the_completion_share(workshop, organiser):
    client = Client()
    client.force_login(organiser)
    page = client.get(reverse("events:workshop_edit", args=[workshop.slug])).content.decode()
    assert 'name="completion_share"' in page
    assert Workshop.objects.get().completion_share == 80
