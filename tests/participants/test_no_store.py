"""Rosters, exports and personal pages are never kept by a browser or a shared cache, and a
CSV opened with ";" as the separator holds no live formula."""

import csv
import io

import pytest
from django.urls import reverse

from participants.exports import render_csv

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name",
    ["participants:registrations", "participants:registrations_export"],
)
def test_roster_and_export_are_not_stored(client, organiser, workshop, name):
    client.force_login(organiser)

    response = client.get(reverse(name, kwargs={"slug": workshop.slug}))

    assert response.status_code == 200
    assert no_store(response), response["Cache-Control"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_format_is_not_stored(client, organiser, workshop, fmt):
    client.force_login(organiser)
    url = reverse("participants:registrations_export", kwargs={"slug": workshop.slug})

    response = client.get(url, {"format": fmt})

    assert no_store(response), response["Cache-Control"]


def test_personal_page_is_not_stored(client, participant_registration):
    url = reverse("participants:personal", args=[participant_registration.token])

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("Li;=1+1", "Li;'=1+1"),
        ("Li; +1", "Li; '+1"),
        ("Li,@SUM(A1)", "Li,'@SUM(A1)"),
        ("Li Mei", "Li Mei"),
        ("a-b", "a-b"),
    ],
)
def test_csv_cells_are_quoted_and_formulas_after_a_separator_are_defused(value, shown):
    content = render_csv([["Name"], [value]]).decode("utf-8-sig")

    # Every cell in quotes: Excel splitting on ";" keeps a quoted cell whole.
    assert content.splitlines()[1] == '"' + shown.replace('"', '""') + '"'
    assert list(csv.reader(io.StringIO(content)))[1] == [shown]
    # Read with ";" as the separator, as Excel does in many locales: no part starts a formula.
    for part in next(csv.reader(io.StringIO(content.splitlines()[1]), delimiter=";")):
        assert not part.lstrip(" ").startswith(("=", "+", "-", "@")), part
