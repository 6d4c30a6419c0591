"""The funders' pages, shared links and publishing: who may read what (a permission table),
where each account lands, the e-mails publishing sends and the links in them."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.refusals import Refusal
from events.models import Agency, AgencyMember, WorkshopAgency
from reports import services
from reports.models import ReportDelivery, ReportLink
from tests import factories
from tests.reports.pdfcheck import pdf_text


@pytest.fixture
def people(workshop, participant_registration):
    """Five more confirmed people, so that the breakdowns show figures."""
    for n in range(5):
        factories.registration(workshop, f"Person {n}", gender="female", phone="+86 555 0101")
    return participant_registration


@pytest.fixture
def other_funder(make_user, make_workshop):
    """Staff of an agency that funds another workshop only."""
    agency = Agency.objects.create(name="Other Donor")
    other = make_workshop(title="Another Funded Workshop", slug="another-funded")
    WorkshopAgency.objects.create(workshop=other, agency=agency, role=WorkshopAgency.Role.FUNDER)
    user = make_user("other-funder", email="other@donor.example.org")
    AgencyMember.objects.create(user=user, agency=agency)
    return user


def urls(workshop) -> dict[str, str]:
    return {
        "home": reverse("reports:funders"),
        "workshop": reverse("reports:funder_workshop", args=[workshop.slug]),
        "report": reverse("reports:funder_report", args=[workshop.slug, "en"]),
    }


def published(workshop, organiser):
    return services.publish_report(workshop=workshop, user=organiser, accounts_language="en")


@pytest.mark.parametrize(
    ("persona", "home", "workshop_page", "report"),
    [
        ("funder", 200, 200, 200),
        ("other_funder", 200, 404, 404),
        ("organiser", 404, 404, 404),
        ("other_organiser", 404, 404, 404),
    ],
)
def test_permission_table(
    request, client, workshop, organiser, funder, people, persona, home, workshop_page, report
):
    published(workshop, organiser)
    client.force_login(request.getfixturevalue(persona))
    found = urls(workshop)
    assert client.get(found["home"]).status_code == home
    assert client.get(found["workshop"]).status_code == workshop_page
    assert client.get(found["report"]).status_code == report


def test_strangers_are_sent_to_sign_in(client, workshop, funder):
    for url in urls(workshop).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_funder_sees_nothing_of_the_organisers_pages(client, workshop, funder, people):
    client.force_login(funder)
    for name in ("participants:registrations", "events:workshop_detail", "reports:report"):
        assert client.get(reverse(name, args=[workshop.slug])).status_code == 404
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_each_account_lands_on_its_own_page(client, organiser, funder, make_user):
    make_user("someone")
    for username, landing in (
        ("funder", "/funders/"),
        ("organiser", "/organise/"),
        ("someone", "/"),
    ):
        client.logout()
        response = client.post(
            reverse("login"),
            {"username": username, "password": "correct horse battery staple"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == landing, username


def test_funders_home_lists_only_their_workshops_with_figures(
    client, workshop, funder, other_funder, people
):
    client.force_login(funder)
    page = client.get(reverse("reports:funders")).content.decode()
    assert 'data-workshop="lijiang' not in page
    assert f'data-workshop="{workshop.slug}"' in page
    assert "Another Funded Workshop" not in page
    assert re.search(r'data-figure="confirmed">6<', page)
    assert 'data-group="past"' in page  # August 2007 is over
    client.force_login(other_funder)
    page = client.get(reverse("reports:funders")).content.decode()
    assert "Another Funded Workshop" in page
    assert workshop.title not in page


def test_summary_page_shows_figures_never_names_or_contacts(client, workshop, funder, people):
    client.force_login(funder)
    page = client.get(urls(workshop)["workshop"]).content.decode()
    assert workshop.title in page
    assert re.search(r'data-figure="total">\s*6 confirmed participants', page)
    # 5 women, 1 woman (Li Mei) too: female 6; the breakdown shows it.
    assert 'Female</th><td class="num">6<' in page
    for secret in ("Li Mei", "李梅", "li.mei@example.org", "Person 0", "+86 555 0101"):
        assert secret not in page
    assert "The organisers have not published the report yet." in page
    assert client.get(urls(workshop)["report"]).status_code == 404


def test_funder_downloads_the_published_report(client, workshop, organiser, funder, people):
    published(workshop, organiser)
    client.force_login(funder)
    page = client.get(urls(workshop)["workshop"]).content.decode()
    assert "Version 1, published on" in page
    response = client.get(reverse("reports:funder_report", args=[workshop.slug, "zh-hans"]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content))
    assert "6名确认参加的学员" in re.sub(r"\s+", "", text)
    assert "Li Mei" not in text
    assert (
        client.get(reverse("reports:funder_report", args=[workshop.slug, "fr"])).status_code == 404
    )


def test_shared_link_works_until_it_expires_or_is_revoked(client, workshop, organiser):
    report = services.report_for(workshop)
    link, token = services.create_report_link(report=report, user=organiser, days=3)
    page = reverse("reports:shared_report", args=[token])
    pdf = reverse("reports:shared_report_pdf", args=[token, "en"])
    assert client.get(page).status_code == 200
    assert client.get(pdf)["Content-Type"] == "application/pdf"
    # Only the token's hash is stored.
    assert ReportLink.objects.get().token_hash != token
    assert token not in str(ReportLink.objects.values_list().get())
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert client.get(page).status_code == 404
    assert client.get(pdf).status_code == 404
    link.expires_at = timezone.now() + timedelta(days=1)
    link.save()
    assert client.get(page).status_code == 200
    services.revoke_report_link(link=link)
    assert client.get(page).status_code == 404
    assert client.get(pdf).status_code == 404
    assert client.get(reverse("reports:shared_report", args=["not-a-token"])).status_code == 404


def test_publishing_emails_each_funder_contact_a_working_link(
    client, workshop, organiser, funder, people, django_capture_on_commit_callbacks
):
    funder.email = "funder@donor.example.org"
    funder.save()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_publish", args=[workshop.slug]),
            {
                "accounts_language": "en",
                "addresses": "board@donor.example.org zh-hans\nfunder@donor.example.org",
            },
        )
    assert response.status_code == 302
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"funder@donor.example.org", "board@donor.example.org"}
    english = by_address["funder@donor.example.org"]
    assert english.subject == f"Report: {workshop.title}"
    assert not english.attachments
    chinese = by_address["board@donor.example.org"]
    assert chinese.subject.startswith("报告：")  # noqa: RUF001
    assert "已发布" in chinese.body
    link = re.search(r"https?://[^/\s]+(/shared-reports/[^/\s]+/)", english.body)
    assert link, english.body
    anonymous = client.__class__()
    assert anonymous.get(link.group(1)).status_code == 200
    pdf = anonymous.get(link.group(1) + "report-en.pdf")
    assert workshop.title in " ".join(pdf_text(pdf.content))

    # The organiser sees who was sent what, and when.
    page = client.get(reverse("reports:report", args=[workshop.slug])).content.decode()
    assert page.count("data-delivery=") == 2
    assert "Sent" in page
    deliveries = ReportDelivery.objects.order_by("email")
    assert [(d.email, d.language, d.version, d.status) for d in deliveries] == [
        ("board@donor.example.org", "zh-hans", 1, "sent"),
        ("funder@donor.example.org", "en", 1, "sent"),
    ]
    assert all(d.sent_at is not None for d in deliveries)

    # A revoked link answers 404.
    funders_link = ReportDelivery.objects.get(email="funder@donor.example.org").link
    client.post(reverse("reports:report_link_revoke", args=[workshop.slug, funders_link.pk]))
    assert anonymous.get(link.group(1)).status_code == 404
    assert anonymous.get(link.group(1) + "report-en.pdf").status_code == 404

    # A corrected version goes out again, marked as such.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report_publish", args=[workshop.slug]),
            {"accounts_language": "zh-hans", "addresses": ""},
        )
    assert [m.subject for m in mail.outbox] == [f"报告更正版：{workshop.title}"]  # noqa: RUF001
    assert ReportDelivery.objects.filter(version=2, is_correction=True).count() == 1


def test_publishing_without_notice_dates_the_report_and_tells_nobody(
    workshop, organiser, funder, django_capture_on_commit_callbacks
):
    funder.email = "funder@donor.example.org"
    funder.save()
    moment = timezone.now() - timedelta(days=400)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deliveries = services.publish_report(
            workshop=workshop, user=organiser, accounts_language="en", now=moment, notify=False
        )
    assert (deliveries, callbacks, mail.outbox) == ([], [], [])
    report = services.report_for(workshop)
    assert (report.version, report.published_at, report.published_by) == (1, moment, organiser)
    assert not ReportLink.objects.exists()
    with pytest.raises(TypeError, match="notify=False"):
        services.publish_report(
            workshop=workshop,
            user=organiser,
            accounts_language="en",
            extra=[services.Recipient("board@donor.example.org", "en")],
            notify=False,
        )
    assert services.report_for(workshop).version == 1


def test_report_services_refuse_as_every_service_does(workshop):
    # One error type: a Refusal naming the field and the rule (config.refusals), as forms,
    # the admin and the API read it.
    with pytest.raises(Refusal) as refused:
        services.parse_recipients("ok@example.org\nnot-an-address", default_language="en")
    assert refused.value.rows() == [
        {
            "field": "addresses",
            "code": "invalid_email",
            "message": "Line 2: “not-an-address” is not an e-mail address.",
        }
    ]
    with pytest.raises(Refusal) as refused:
        services.parse_recipients("ok@example.org fr", default_language="en")
    assert (refused.value.field, refused.value.code) == ("addresses", "invalid_language")
    with pytest.raises(Refusal) as refused:
        services.create_report_link(report=services.report_for(workshop), days=0)
    assert refused.value.rows() == [
        {"field": "days", "code": "days_range", "message": "A link is valid for 1 to 3,650 days."}
    ]
    assert not ReportLink.objects.exists()


def test_publishing_refuses_a_bad_address_naming_the_line(client, workshop, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("reports:report_publish", args=[workshop.slug]),
        {"accounts_language": "en", "addresses": "ok@example.org\nnot-an-address"},
    )
    assert response.status_code == 200
    assert "Line 2: “not-an-address” is not an e-mail address." in response.content.decode()
    response = client.post(
        reverse("reports:report_publish", args=[workshop.slug]),
        {"accounts_language": "en", "addresses": "ok@example.org fr"},
    )
    assert "Line 1: after the address, give nothing or a language code" in (
        response.content.decode()
    )
    assert not services.report_for(workshop).is_published


def test_a_mail_server_that_refuses_never_fails_publishing(
    client, workshop, organiser, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_publish", args=[workshop.slug]),
            {"accounts_language": "en", "addresses": "someone@example.org"},
        )
    assert response.status_code == 302
    assert ReportDelivery.objects.get().status == ReportDelivery.Status.FAILED
    assert services.report_for(workshop).is_published


def test_organiser_edits_the_drafted_overview(client, workshop, organiser):
    host = Agency.objects.create(name="Ministry of Public Security", name_local="公安部")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role=WorkshopAgency.Role.HOST)
    client.force_login(organiser)
    url = reverse("reports:report", args=[workshop.slug])
    page = client.get(url).content.decode()
    assert "Hosted by the Ministry of Public Security, the National Anti-Trafficking" in page
    assert "由公安部主办的" in page
    response = client.post(url, {"overview": "Rewritten.", "conclusions_local": "结论。"})
    assert response.status_code == 302
    report = services.report_for(workshop)
    assert (report.overview, report.conclusions_local) == ("Rewritten.", "结论。")
    pdf = client.get(reverse("reports:report_preview", args=[workshop.slug, "en"]))
    assert "Rewritten." in " ".join(pdf_text(pdf.content))


def test_organiser_makes_and_revokes_a_link_on_the_page(client, workshop, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("reports:report_link_create", args=[workshop.slug]),
        {"label": "Board", "days": "7"},
    )
    new = re.search(
        r'href="https?://[^/"]+(/shared-reports/[^"]+)" data-new-link', response.content.decode()
    )
    assert new
    assert client.get(new.group(1)).status_code == 200
    refused = client.post(
        reverse("reports:report_link_create", args=[workshop.slug]), {"days": "0"}
    )
    assert "Ensure this value is greater than or equal to 1." in refused.content.decode()
    link = ReportLink.objects.get()
    assert link.label == "Board"
    client.post(reverse("reports:report_link_revoke", args=[workshop.slug, link.pk]))
    assert client.get(new.group(1)).status_code == 404


def test_admin_lists_report_links_and_revokes_them(admin_client, workshop, organiser):
    link, token = services.create_report_link(report=services.report_for(workshop), label="Board")
    changelist = reverse("admin:reports_reportlink_changelist")
    page = admin_client.get(changelist).content.decode()
    assert "Board" in page
    assert token not in page
    assert link.token_hash not in page
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert admin_client.get(reverse("admin:reports_reportdelivery_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:reports_report_changelist")).status_code == 200
