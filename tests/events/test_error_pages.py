"""Not found, not allowed and server error pages in the site's layout, in both languages; the
server error page needs no database."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.translation import override
from django.views import defaults


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "No such page"), ("zh-hans", "页面不存在")],
)
def test_not_found_page_in_the_site_layout(client, db, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html
    assert 'href="/"' in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Not allowed"), ("zh-hans", "无权访问")],
)
def test_forbidden_page_in_the_site_layout(rf, db, language, heading):
    request = rf.get("/")
    with override(language):
        response = defaults.permission_denied(request, exception=None)
    assert response.status_code == 403
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Something went wrong"), ("zh-hans", "出错了")],
)
def test_server_error_page_needs_no_database(language, heading):
    # No ``db`` fixture: any query here fails the test.
    request = RequestFactory().get("/")
    with override(language):
        response = defaults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html
    assert "Sign in" not in html
    assert "Sign out" not in html


def test_server_error_template_renders_without_context():
    with override("zh-hans"):
        html = render_to_string("500.html")
    assert "出错了" in html
