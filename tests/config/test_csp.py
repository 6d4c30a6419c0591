"""Reflected markup and the Content-Security-Policy: request data never becomes markup, and
every answer, the admin's included, forbids inline script and style."""

import re

import pytest
from django.urls import reverse

PAYLOAD = "<script>alert(document.cookie)</script>"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
def test_export_with_a_script_as_format_answers_plain_text_without_it(client, organiser, workshop):
    client.force_login(organiser)
    url = reverse("participants:registrations_export", kwargs={"slug": workshop.slug})

    response = client.get(url, {"format": PAYLOAD})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Unknown export format: choose csv or xlsx."
    assert "<script" not in response.content.decode()


@pytest.mark.django_db
def test_nominations_template_with_an_unknown_format_is_a_404_or_plain_text(
    client, organiser, workshop
):
    client.force_login(organiser)
    url = reverse(
        "participants:nominations_template", kwargs={"slug": workshop.slug, "fmt": "html"}
    )

    response = client.get(url)

    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("text/plain") or response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["home", "login", "password_reset", "admin_login", "api_docs_for_staff", "roster", "public"],
)
def test_every_page_carries_the_policy(client, admin_user, organiser, workshop, name):
    if name == "home":
        response = client.get(reverse("events:home"))
    elif name == "login":
        response = client.get(reverse("login"))
    elif name == "password_reset":
        response = client.get(reverse("password_reset"))
    elif name == "admin_login":
        response = client.get(reverse("admin:login"))
    elif name == "api_docs_for_staff":
        client.force_login(admin_user)
        response = client.get(reverse("api-docs"))
    elif name == "roster":
        client.force_login(organiser)
        response = client.get(reverse("participants:registrations", kwargs={"slug": workshop.slug}))
    else:
        response = client.get(
            reverse("participants:public_workshop", kwargs={"slug": workshop.slug})
        )

    assert response.status_code == 200
    assert {key: policy(response)[key] for key in POLICY} == POLICY
    # Nothing the policy would block is in our own markup.
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "an inline <script>"
    assert "<style" not in body
    assert not re.search(r"\son[a-z]+=", body), "an inline event handler"


@pytest.mark.django_db
def test_an_admin_change_page_has_no_inline_script(admin_client, workshop):
    response = admin_client.get(reverse("admin:events_workshop_change", args=[workshop.pk]))

    assert response.status_code == 200
    assert policy(response)["script-src"] == "'self'"
    body = response.content.decode()
    # Django's admin keeps its data in <script type="application/json"> and data- attributes.
    inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", body)
    assert inline == []
