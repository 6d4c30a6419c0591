"""One list of time zones: the model, the admin, the organisers' form, the API and the calendar
import accept the same names; the pickers offer the canonical ones, grouped by region; a
workshop with an old alias keeps it through a save."""

import json
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from events import timezones
from events.admin import WorkshopAdminForm
from events.forms import WorkshopForm
from events.models import Workshop, validate_timezone
from tests.conftest import at
from tests.htmlforms import submitted

# Canonical, an alias of a canonical zone, an alias of a zone with no country, a fixed offset.
GOOD = ["Asia/Shanghai", "America/Argentina/Buenos_Aires", "US/Eastern", "Asia/Calcutta", "UTC"]
BAD = ["Mars/Olympus", "Asia/Lijiang", "asia/shanghai", "", "../etc/passwd"]


def test_offered_zones_are_canonical_grouped_and_all_accepted():
    offered = timezones.offered()
    assert offered[0] == "UTC"
    assert set(offered) <= timezones.accepted()
    assert {"Asia/Shanghai", "Europe/Oslo", "America/New_York", "Asia/Kolkata"} <= set(offered)
    assert not [name for name in offered if name.startswith(("US/", "Etc/", "SystemV/"))]
    assert "Asia/Calcutta" not in offered
    assert timezones.accepted() == frozenset(zoneinfo.available_timezones())
    groups = [label for label, names in timezones.choices() if isinstance(names, list)]
    assert groups == sorted(groups)
    assert {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(groups)


def test_an_alias_is_known_by_its_canonical_zone():
    assert timezones.canonical_of("US/Eastern") == "America/New_York"
    assert timezones.canonical_of("Asia/Calcutta") == "Asia/Kolkata"
    assert timezones.canonical_of("Asia/Shanghai") == "Asia/Shanghai"
    assert timezones.canonical_of("Mars/Olympus") is None


def test_a_picker_lists_an_alias_only_for_the_workshop_that_has_it():
    assert "US/Eastern" not in str(timezones.choices())
    first = timezones.choices(current="US/Eastern")[1]
    assert first == ("US/Eastern", "US/Eastern (an old name of America/New_York)")
    assert timezones.choices(current="Mars/Olympus") == timezones.choices()


def test_every_accepted_name_passes_the_models_rule_and_no_other():
    for name in timezones.accepted():
        validate_timezone(name)
    for name in BAD:
        with pytest.raises(ValidationError):
            validate_timezone(name)


def _workshop_data(zone: str) -> dict:
    return {
        "title": "Zone Workshop",
        "slug": "zones",
        "start_date": "2007-08-26",
        "end_date": "2007-08-31",
        "timezone": zone,
        "capacity": "30",
        "language": "en",
        "status": "draft",
        "completion_share": "80",
        "retention_months": "24",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("zone", GOOD + BAD)
def test_model_admin_form_and_api_accept_the_same_names(zone, organiser):
    accepted = zone in GOOD
    workshop = Workshop(title="Zone Workshop", slug="zones", timezone=zone)
    workshop.start_date, workshop.end_date = at(26, 9).date(), at(31, 9).date()
    try:
        workshop.full_clean()
        model = True
    except ValidationError as error:
        model = "timezone" not in error.error_dict
    form = WorkshopForm(data=_workshop_data(zone))
    form.is_valid()
    admin_form = WorkshopAdminForm(data=_workshop_data(zone))
    admin_form.is_valid()
    client = APIClient()
    client.force_authenticate(organiser)
    api = client.patch(
        "/api/v1/workshops/national-anti-trafficking-workshop-2007/",
        json.dumps({"timezone": zone}),
        content_type="application/json",
    )
    assert api.status_code in (200, 400), api.content[:300]

    assert model is accepted
    assert ("timezone" not in form.errors) is accepted, form.errors
    assert ("timezone" not in admin_form.errors) is accepted, admin_form.errors
    assert (api.status_code == 200) is accepted, api.content[:300]


def test_the_calendar_import_reads_the_same_zones():
    assert timezones.zone_or_none("US/Eastern") == zoneinfo.ZoneInfo("US/Eastern")
    assert timezones.zone_or_none("Asia/Shanghai") == zoneinfo.ZoneInfo("Asia/Shanghai")
    for name in BAD:
        assert timezones.zone_or_none(name) is None


@pytest.mark.django_db
def test_an_admin_saved_alias_round_trips_through_the_organisers_form(
    client, organiser, make_session
):
    root = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(root)
    add = reverse("admin:events_workshop_add")
    admin_page = client.get(add).content.decode()
    assert '<optgroup label="America">' in admin_page
    assert "events/zone-search.js" in admin_page
    data = submitted(admin_page, having="timezone")
    data.update(
        title=["New York Workshop"],
        slug=["new-york"],
        start_date=["2007-08-26"],
        end_date=["2007-08-31"],
        timezone=["US/Eastern"],
        organisers=[str(organiser.pk)],
    )
    saved = client.post(add, data)
    assert saved.status_code == 302, re.findall(
        r'class="errorlist[^>]*>(.*?)</ul>', saved.content.decode()
    )
    workshop = Workshop.objects.get(slug="new-york")
    assert workshop.timezone == "US/Eastern"
    eastern = zoneinfo.ZoneInfo("America/New_York")
    session = make_session(
        workshop, starts_at=at(27, 9, tz=eastern), ends_at=at(27, 10, tz=eastern)
    )

    client.force_login(organiser)
    edit = reverse("events:workshop_edit", args=[workshop.slug])
    page = client.get(edit).content.decode()
    assert re.search(r'<option value="US/Eastern" selected>', page), "the alias is not selected"
    assert 'data-search="Find a zone by city"' in page
    assert "events/zone-search.js" in page
    response = client.post(edit, submitted(page, having="timezone"))

    assert response.status_code == 302
    workshop.refresh_from_db()
    session.refresh_from_db()
    assert workshop.timezone == "US/Eastern"
    assert session.starts_at.astimezone(eastern).strftime("%d %H:%M") == "27 09:00"


@pytest.mark.django_db
def test_the_organisers_form_groups_the_zones_by_region(client, organiser, workshop):
    client.force_login(organiser)
    page = client.get(reverse("events:workshop_edit", args=[workshop.slug])).content.decode()
    assert '<optgroup label="Asia">' in page
    assert re.search(r'<option value="Asia/Shanghai" selected>Shanghai</option>', page)
    assert '<option value="US/Eastern"' not in page
