"""NUL bytes and lone surrogates: a 404 in a path, a 400 naming the field in a query or a form,
never a 500, on SQLite and on PostgreSQL (where the driver refuses NUL outright)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

NUL = "\x00"

TOKEN_PATHS = [
    "/r/{}/",
    "/r/{}/cancel/",
    "/r/{}/language/",
    "/feeds/people/{}.ics",
    "/feeds/trainers/{}.ics",
    "/w/{}/",
    "/w/{}/calendar.ics",
]


@pytest.mark.parametrize("template", TOKEN_PATHS)
@pytest.mark.parametrize("bad", ["%00", "abc%00def", "%ED%A0%80"])
def test_a_token_with_a_nul_in_the_path_is_not_found(client, template, bad):
    response = client.get(template.format(bad))
    # 405 where the page only takes POST: refused before any look-up.
    assert response.status_code in (404, 405)


@pytest.mark.parametrize("template", TOKEN_PATHS)
def test_a_token_with_a_nul_in_the_path_posted_is_not_found(client, template):
    response = client.post(template.format("%00"))
    assert response.status_code in (404, 405)


def test_the_roster_search_with_a_nul_is_refused_naming_the_field(client, organiser, workshop):
    client.force_login(organiser)
    url = reverse("participants:registrations", kwargs={"slug": workshop.slug})

    response = client.get(url, {"search": f"Li{NUL}"})

    assert response.status_code == 400
    assert "The field “search” contains a character that cannot be stored" in (
        response.content.decode()
    )


def _changelists():
    return [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    ]


@pytest.mark.parametrize("name", _changelists())
def test_every_admin_search_with_a_nul_is_refused(admin_client, name):
    response = admin_client.get(reverse(name), {"q": f"x{NUL}y"})

    assert response.status_code == 400
    assert "The field “q” contains" in response.content.decode()


@pytest.mark.parametrize("name", _changelists())
def test_every_admin_search_with_ordinary_text_answers(admin_client, name):
    assert admin_client.get(reverse(name), {"q": "Li Mei"}).status_code == 200


def _forms(workshop):
    slug = {"slug": workshop.slug}
    return [
        (reverse("participants:public_workshop", kwargs=slug), "name", False),
        (reverse("login"), "username", False),
        (reverse("password_reset"), "email", False),
        (reverse("events:workshop_create"), "title", True),
        (reverse("events:workshop_edit", kwargs=slug), "title", True),
        (reverse("events:session_create", kwargs=slug), "title", True),
        (reverse("events:trainer_create"), "name", True),
        (reverse("events:agency_create", kwargs=slug), "name", True),
        (reverse("participants:registrations_bulk", kwargs=slug), "action", True),
        (reverse("admin:events_workshop_add"), "title", "admin"),
        (reverse("admin:participants_participant_add"), "name", "admin"),
        (reverse("admin:events_trainer_add"), "name", "admin"),
    ]


@pytest.mark.parametrize("index", range(12))
@pytest.mark.parametrize("bad", [NUL, "before\x00", "\x00after"])
def test_every_form_with_impossible_text_is_refused_naming_the_field(
    client, organiser, admin_user, workshop, index, bad
):
    url, field, who = _forms(workshop)[index]
    if who == "admin":
        client.force_login(admin_user)
    elif who:
        client.force_login(organiser)

    response = client.post(url, {"email": "li@example.org", field: f"Li{bad}Mei"})

    assert response.status_code == 400
    assert f"The field “{field}” contains a character that cannot be stored" in (
        response.content.decode()
    )


def test_a_nul_in_a_field_name_is_refused(client):
    response = client.post(reverse("login"), {f"user{NUL}name": "x"})
    assert response.status_code == 400


def test_the_refusal_speaks_the_visitors_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(reverse("events:home"), {"q": NUL})

    assert response.status_code == 400
    assert "字段“q”含有无法保存的字符" in response.content.decode()
