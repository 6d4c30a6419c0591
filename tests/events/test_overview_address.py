"""The organiser's overview gives the public address, a copy button and a QR code of it."""

import io

import segno
from django.urls import reverse


def test_overview_shows_the_public_address_with_copy_and_qr(client, organiser, workshop, settings):
    client.force_login(organiser)
    response = client.get(reverse("events:workshop_detail", args=[workshop.slug]))
    html = response.content.decode()
    address = f"{settings.SITE_URL}/w/{workshop.slug}/"
    assert f'<input id="public-url" type="url" readonly value="{address}"' in html
    assert 'data-copy="public-url"' in html
    assert f'<a class="button" href="{address}">Open</a>' in html
    assert f'<img src="/organise/workshops/{workshop.slug}/qr.svg"' in html


def test_qr_code_encodes_the_public_address(client, organiser, workshop, settings):
    client.force_login(organiser)
    response = client.get(reverse("events:workshop_qr", args=[workshop.slug]))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert "<svg" in svg
    assert "style=" not in svg  # the Content-Security-Policy refuses inline style
    address = f"{settings.SITE_URL}/w/{workshop.slug}/"
    expected = io.BytesIO()
    segno.make(address, error="m").save(expected, kind="svg", scale=4, border=2, title=address)
    assert response.content == expected.getvalue()


def test_qr_code_of_another_organisers_workshop_is_not_found(client, other_organiser, workshop):
    client.force_login(other_organiser)
    assert client.get(reverse("events:workshop_qr", args=[workshop.slug])).status_code == 404
