"""The organiser shell: the menu and a workshop's tabs, registered by each app, in one order;
the pages apps name for each other."""

import re

import pytest
from django.urls import reverse

from config import shell
from tests import factories


def nav_links(html: str, kind: str) -> list[tuple[str, str]]:
    """(text, address) of the links of the page's <nav class="``kind``">."""
    nav = re.search(rf'<nav class="{kind}"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return [(text, href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)]


@pytest.mark.django_db
def test_a_workshops_tabs_come_from_every_app_in_order(client, organiser, workshop):
    client.force_login(organiser)
    page = client.get(reverse("events:timetable", args=[workshop.slug])).content.decode()
    slug = workshop.slug
    assert nav_links(page, "tabs") == [
        ("Overview", reverse("events:workshop_detail", args=[slug])),
        ("Timetable", reverse("events:timetable", args=[slug])),
        ("Agencies", reverse("events:workshop_agencies", args=[slug])),
        ("Registrations", reverse("participants:registrations", args=[slug])),
        ("Import nominations", reverse("participants:nominations_import", args=[slug])),
        ("Attendance", reverse("reports:attendance", args=[slug])),
        ("Feedback", reverse("feedback:list", args=[slug])),
        ("Report", reverse("reports:report", args=[slug])),
        ("Calendar", reverse("events:workshop_calendar", args=[slug])),
        ("History", reverse("audit:workshop_history", args=[slug])),
    ]
    assert (
        '<a href="{}" aria-current="page">Timetable</a>'.format(
            reverse("events:timetable", args=[slug])
        )
        in page
    )


@pytest.mark.django_db
def test_the_organisers_menu_and_crumbs_come_from_the_apps(client, organiser, workshop):
    client.force_login(organiser)
    page = client.get(reverse("events:workshop_detail", args=[workshop.slug])).content.decode()
    assert nav_links(page, "nav") == [
        ("Dashboard", reverse("reports:dashboard")),
        ("Trainers", reverse("events:trainer_list")),
        ("Webhooks", reverse("integrations:webhooks")),
        ("API tokens", reverse("integrations:tokens")),
    ]
    assert f'<p class="crumbs"><a href="{reverse("reports:dashboard")}">Dashboard</a>' in page


@pytest.mark.django_db
def test_the_tabs_speak_chinese(client, organiser, workshop):
    client.force_login(organiser)
    page = client.get(
        reverse("events:workshop_detail", args=[workshop.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    labels = [label for label, _ in nav_links(page, "tabs")]
    assert labels[:3] == ["概况", "日程表", "单位"]
    assert labels[-1] == "历史"


def test_a_named_page_is_found_and_an_unknown_one_is_an_error():
    assert shell.page_url("workshop_public", "lijiang") == reverse(
        "participants:public_workshop", args=["lijiang"]
    )
    with pytest.raises(LookupError, match="No app registered a page for 'nowhere'"):
        shell.page_url("nowhere")


@pytest.mark.django_db
def test_the_workshop_admin_counts_sessions_and_the_seats_participants_adds(
    admin_client, workshop, make_session
):
    factories.registration(workshop, "Ann")
    factories.registration(workshop, "Bob")
    factories.registration(workshop, "Cat", status="waitlisted")
    make_session(workshop)
    page = admin_client.get(reverse("admin:events_workshop_changelist")).content.decode()
    assert '<td class="field-sessions_count">1</td>' in page
    assert '<td class="field-seats_taken">2</td>' in page
