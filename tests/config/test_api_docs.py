"""The API's schema and documentation are for staff unless API_DOCS_PUBLIC says otherwise."""

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse


@pytest.fixture
def reload_urls():
    import importlib

    import config.urls

    def reload():
        importlib.reload(config.urls)
        clear_url_caches()

    yield reload
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api-schema", "api-docs"])
def test_api_docs_are_not_public_by_default(client, organiser, name):
    anonymous = client.get(reverse(name))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))

    client.force_login(organiser)
    assert client.get(reverse(name)).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api-schema", "api-docs"])
def test_api_docs_are_open_to_staff(admin_client, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_docs_public_when_the_setting_says_so(client, reload_urls):
    with override_settings(API_DOCS_PUBLIC=True):
        reload_urls()
        response = client.get(reverse("api-schema"))
        assert response.status_code == 200
        assert b"Workshops API" in response.content
