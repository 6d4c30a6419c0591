"""The public workshop page and its registration form."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Agency, Room, Trainer, Workshop, WorkshopAgency
from participants.models import Participant, Registration
from participants.services import cancel_registration
from tests import factories
from tests.conftest import at

Status = Registration.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_caches")]


def url(workshop):
    return reverse("participants:public_workshop", kwargs={"slug": workshop.slug})


def form_data(**overrides):
    data = {
        "name": "Zhang Wei",
        "name_local": "张伟",
        "gender": "male",
        "agency": "",
        "agency_name": "Yunnan Women's Federation",
        "position": "Programme officer",
        "region": "Yunnan",
        "email": "zhang.wei@example.org",
        "phone": "+86 888 512 3456",
        "preferred_language": "en",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lijiang(make_workshop, make_session):
    workshop = make_workshop(
        **factories.LIJIANG,
        city="Lijiang",
        region="Yunnan",
        country="China",
        objectives="Improve cooperation between police and women's federations.",
        capacity=3,
    )
    mps = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    acwf = Agency.objects.create(name="All-China Women's Federation", acronym="ACWF")
    unicef = Agency.objects.create(name="UNICEF", kind=Agency.Kind.UN)
    ilo = Agency.objects.create(name="International Labour Organization", acronym="ILO")
    yunnan = Agency.objects.create(name="Yunnan Public Security Department")
    Agency.objects.create(name="Zhejiang Public Security Department")
    WorkshopAgency.objects.create(workshop=workshop, agency=acwf, role="host", order=2)
    WorkshopAgency.objects.create(workshop=workshop, agency=mps, role="host", order=1)
    WorkshopAgency.objects.create(workshop=workshop, agency=unicef, role="partner", order=1)
    WorkshopAgency.objects.create(workshop=workshop, agency=ilo, role="partner", order=2)
    WorkshopAgency.objects.create(workshop=workshop, agency=yunnan, role="attending")
    room = Room.objects.create(name="Hall A", venue="Guanfang Hotel")
    prof = Trainer.objects.create(
        name="Zhang Jun", honorific="Prof.", position="Researcher", agency=mps
    )
    make_session(
        workshop,
        title="Opening ceremony",
        starts_at=at(27, 9),
        ends_at=at(27, 10),
        room=room,
        kind="ceremony",
    )
    make_session(
        workshop,
        title="Trafficking law",
        starts_at=at(28, 14),
        ends_at=at(28, 15, 30),
        trainers=[prof],
        room=room,
    )
    return workshop


def test_public_workshop_shows_what_when_where_and_who(client, lijiang):
    response = client.get(url(lijiang))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "National Anti-Trafficking Workshop",
        "全国反拐培训班",
        "Guanfang Hotel, Lijiang, Yunnan, China",
        "Improve cooperation between police and women&#x27;s federations.",
        "Prof. Zhang Jun",
        "Researcher, Ministry of Public Security",
        "3 seats left of 3",
        "How your data is used",
        "Who sees it: only the organisers of this workshop.",
    ]:
        assert text in page, text
    # Hosts and partners in their stated order.
    assert page.index("Ministry of Public Security (MPS)") < page.index(
        "All-China Women&#x27;s Federation (ACWF)"
    )
    assert page.index("UNICEF") < page.index("International Labour Organization (ILO)")
    assert page.index("Hosted by") < page.index("In cooperation with")


def test_public_workshop_timetable_is_day_by_day_in_local_time(client, lijiang, settings):
    settings.TIME_ZONE = "America/New_York"  # the server's zone must not leak into the page
    page = client.get(url(lijiang)).content.decode()
    assert "<h3>Monday 27 August 2007</h3>" in page
    assert "<h3>Tuesday 28 August 2007</h3>" in page
    assert "09:00–10:00" in page  # noqa: RUF001
    assert "14:00–15:30" in page  # noqa: RUF001
    assert (
        page.index("Opening ceremony")
        < page.index("Tuesday 28 August 2007")
        < page.index("Trafficking law")
    )
    assert "Times are local to the workshop (Asia/Shanghai)." in page


def test_public_workshop_lists_attending_agencies_first_in_the_form(client, lijiang):
    page = client.get(url(lijiang)).content.decode()
    attending = page.index('<optgroup label="Attending this workshop">')
    everyone = page.index('<optgroup label="All agencies">')
    assert attending < page.index("Yunnan Public Security Department") < everyone
    assert everyone < page.index("Zhejiang Public Security Department")


@pytest.mark.parametrize(
    "status", [Workshop.Status.DRAFT, Workshop.Status.CANCELLED], ids=["draft", "cancelled"]
)
def test_public_workshop_is_404_unless_public(client, make_workshop, status):
    workshop = make_workshop(status=status, slug="hidden")
    assert client.get(url(workshop)).status_code == 404


def test_public_workshop_unknown_slug_is_404(client, db):
    assert client.get("/w/no-such-workshop/").status_code == 404


def test_public_workshop_never_shows_registered_people(client, lijiang):
    factories.registration(
        lijiang,
        "Chen Xiaoling",
        name_local="陈晓玲",
        email="chen.xl@example.org",
        phone="13900000000",
    )
    page = client.get(url(lijiang)).content.decode()
    for private in ("Chen Xiaoling", "陈晓玲", "chen.xl@example.org", "13900000000"):
        assert private not in page
    assert "2 seats left of 3" in page


def personal_link_in(message) -> str:
    """The personal page's path, as the e-mail gives it."""
    return re.search(r"http://[^/\s]+(/r/[\w-]+/)", message.body).group(1)


def test_public_workshop_registers_a_new_person_and_mails_their_page(
    client, lijiang, mailoutbox, django_capture_on_commit_callbacks
):
    yunnan = Agency.objects.get(name="Yunnan Public Security Department")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(lijiang), form_data(agency=yunnan.pk, agency_name="ignored"))
    registration = Registration.objects.get()
    assert response.status_code == 302
    # The same answer as for a known address: the link goes by e-mail only.
    assert response["Location"] == f"/w/{lijiang.slug}/registered/"
    assert registration.status == Status.CONFIRMED
    assert registration.source == Registration.Source.PUBLIC
    assert (registration.name, registration.name_local, registration.gender) == (
        "Zhang Wei",
        "张伟",
        "male",
    )
    assert (registration.agency, registration.agency_name) == (yunnan, "")
    assert (registration.position, registration.region, registration.phone) == (
        "Programme officer",
        "Yunnan",
        "+86 888 512 3456",
    )
    # The letter, then one invitation per session (RFC 5546: one UID per message).
    assert {tuple(m.to) for m in mailoutbox} == {("zhang.wei@example.org",)}
    assert len(mailoutbox) == 1 + registration.workshop.sessions.filter(status="scheduled").count()
    link = personal_link_in(mailoutbox[0])
    assert link == f"/r/{registration.token}/"
    assert "Your seat is confirmed." in client.get(link).content.decode()


def test_public_workshop_full_workshop_puts_newcomers_on_the_waiting_list(
    client, lijiang, mailoutbox, django_capture_on_commit_callbacks
):
    for n in range(3):
        Client().post(url(lijiang), form_data(email=f"p{n}@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(lijiang), form_data(email="late@example.org"))
    page = client.get(personal_link_in(mailoutbox[-1])).content.decode()
    assert "You are number 1 on the waiting list." in page
    assert (
        "Full: new registrations join the waiting list."
        in client.get(url(lijiang)).content.decode()
    )


def test_public_workshop_closed_workshop_offers_no_seats_or_waiting_list(client, lijiang):
    lijiang.status = Workshop.Status.COMPLETED
    lijiang.requires_approval = True
    lijiang.save()
    seats = client.get(url(lijiang)).content.decode().split('id="seats">')[1].split("</dd>")[0]
    assert " ".join(seats.split()) == "This workshop is not open for registration."


def test_public_workshop_form_errors_name_the_field_and_keep_the_input(client, lijiang):
    response = client.post(
        url(lijiang), form_data(agency_name="", email="not-an-email", phone="call me")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["agency"] == [
        "Choose your agency from the list, or type its name in the next field."
    ]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["phone"][0].startswith("Enter a phone number with digits")
    page = response.content.decode()
    assert 'value="Zhang Wei"' in page
    assert 'value="张伟"' in page
    assert Participant.objects.count() == 0


def test_public_workshop_known_email_sends_the_link_instead_of_showing_it(
    client, lijiang, mailoutbox, django_capture_on_commit_callbacks
):
    Client().post(url(lijiang), form_data(email="li.mei@example.org", name="Li Mei"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(lijiang), form_data(email="LI.MEI@example.org", name="Other"))
    assert response.status_code == 302
    assert response["Location"] == f"/w/{lijiang.slug}/registered/"
    assert Registration.objects.count() == 1
    assert Registration.objects.get().name == "Li Mei"
    assert [m.to for m in mailoutbox] == [["li.mei@example.org"]]
    token = Registration.objects.get().token
    assert f"/r/{token}/" in mailoutbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert token not in page
    assert "We have sent an e-mail to the address you gave." in page


def test_public_workshop_double_submit_registers_once(client, lijiang):
    first = client.post(url(lijiang), form_data())
    second = client.post(url(lijiang), form_data())
    assert first["Location"] == second["Location"] == f"/w/{lijiang.slug}/registered/"
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("known", ["nowhere", "elsewhere", "here"])
def test_public_workshop_answer_is_the_same_whoever_the_address_is(
    client, lijiang, make_workshop, known
):
    """Typing someone's address shows nothing of them: not their page, not whether the
    system knows them, here or in another workshop."""
    if known == "elsewhere":
        factories.registration(make_workshop(slug="secret"), "Li Mei", email="li@example.org")
    if known == "here":
        factories.registration(lijiang, "Li Mei", email="li@example.org")
    response = client.post(url(lijiang), form_data(email="li@example.org"))
    assert (response.status_code, response["Location"]) == (302, f"/w/{lijiang.slug}/registered/")
    page = client.get(response["Location"]).content.decode()
    for secret in ("Li Mei", "secret", "/r/"):
        assert secret not in page


def test_public_workshop_never_reopens_an_organisers_cancellation(
    client, lijiang, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    theirs = factories.registration(lijiang, "Li Mei", email="li@example.org")
    cancel_registration(registration=theirs, by=organiser, notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(lijiang), form_data(email="li@example.org"))
    theirs.refresh_from_db()
    assert theirs.status == Status.CANCELLED
    # The address's owner is told someone tried; the person who typed it sees nothing more.
    assert [m.to for m in mailoutbox] == [["li@example.org"]]


def test_public_workshop_honeypot_looks_like_success_and_writes_nothing(
    client, lijiang, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(lijiang), form_data(fax_number="+1 555 0100"))
    assert response.status_code == 302
    assert response["Location"] == f"/w/{lijiang.slug}/registered/"
    assert Participant.objects.count() == 0
    assert Registration.objects.count() == 0
    assert mailoutbox == []


def test_public_workshop_honeypot_is_hidden_from_people(client, lijiang):
    page = client.get(url(lijiang)).content.decode()
    assert '<div class="hp-field" aria-hidden="true">' in page
    assert 'name="fax_number" id="id_fax_number" tabindex="-1" autocomplete="off"' in page


def test_public_workshop_rate_limit_answers_429_with_when_to_retry(client, lijiang, settings):
    settings.REGISTRATION_RATE_LIMIT_COUNT = 2
    settings.REGISTRATION_RATE_LIMIT_WINDOW = 600
    for n in range(2):
        assert client.post(url(lijiang), form_data(email=f"p{n}@example.org")).status_code == 302
    response = client.post(url(lijiang), form_data(email="third@example.org"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    page = response.content.decode()
    assert "Too many registrations have been sent from your network in a short time." in page
    assert "Please try again in" in page
    assert Registration.objects.count() == 2
    # Another address is not held back.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(url(lijiang), form_data(email="other@example.org")).status_code == 302


def test_public_workshop_rate_limit_counts_the_address_a_trusted_proxy_gives(
    client, lijiang, settings
):
    settings.REGISTRATION_RATE_LIMIT_COUNT = 1
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    first = Client(HTTP_X_REAL_IP="198.51.100.1")
    second = Client(HTTP_X_REAL_IP="198.51.100.2")
    assert first.post(url(lijiang), form_data(email="a@example.org")).status_code == 302
    assert second.post(url(lijiang), form_data(email="b@example.org")).status_code == 302
    assert first.post(url(lijiang), form_data(email="c@example.org")).status_code == 429


def test_public_workshop_requires_csrf(lijiang):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(lijiang), form_data())
    assert response.status_code == 403
    assert Participant.objects.count() == 0


def test_public_workshop_before_the_window_shows_when_it_opens(client, lijiang):
    opens = timezone.now() + timedelta(days=3)
    Workshop.objects.filter(pk=lijiang.pk).update(registration_opens_at=opens)
    page = client.get(url(lijiang)).content.decode()
    assert "Registration opens on" in page
    assert '<form method="post" action="/w/lijiang/"' not in page


def test_public_workshop_submitting_after_closing_explains_and_writes_nothing(client, lijiang):
    page = client.get(url(lijiang))  # the form was open when the page was read
    Workshop.objects.filter(pk=lijiang.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(url(lijiang), form_data())
    assert page.status_code == 200
    assert response.status_code == 400
    assert "Registration closed on" in response.content.decode()
    assert Registration.objects.count() == 0


def test_public_workshop_in_chinese(client, lijiang):
    page = client.get(url(lijiang), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "您的数据如何使用" in page
    assert "报名" in page


@pytest.mark.parametrize("count", [3, 300])
def test_public_workshop_query_count_does_not_grow_with_the_timetable(
    client, make_workshop, django_assert_num_queries, count
):
    workshop = make_workshop(slug="big", capacity=10)
    agency = Agency.objects.create(name="MPS")
    trainers = [Trainer.objects.create(name=f"T{n}", agency=agency) for n in range(3)]
    room = Room.objects.create(name="Hall")
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role="host")
    factories.timetable(workshop, count, trainers=trainers, room=room)
    client.get(url(workshop))  # renders the page into the cache (test_public_queries)
    # The workshop; the timetable's version; the agencies' digest; the cached page; the seat
    # counts.
    with django_assert_num_queries(5):
        response = client.get(url(workshop))
    assert response.status_code == 200


# --- The person's own view across workshops: by e-mail, to the address only ---------------


@pytest.mark.parametrize("known", [True, False], ids=["known", "unknown"])
def test_my_registrations_answers_the_same_for_any_address(
    client, lijiang, make_workshop, known, mailoutbox, django_capture_on_commit_callbacks
):
    if known:
        factories.registration(lijiang, "Li Mei", email="li@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:my_registrations"), {"email": "LI@example.org"}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "If this address is registered for any workshop, we have sent it" in page
    for secret in ("Li Mei", "/r/", lijiang.title):
        assert secret not in page
    assert len(mailoutbox) == (1 if known else 0)


def test_my_registrations_mails_every_workshop_but_drafts_to_the_address(
    client, lijiang, make_workshop, mailoutbox, django_capture_on_commit_callbacks
):
    here = factories.registration(lijiang, "Li Mei", email="li@example.org")
    later = factories.registration(
        make_workshop(title="Kunming Follow-up", slug="kunming"),
        "Li Mei",
        email="li@example.org",
        status=Status.WAITLISTED,
    )
    factories.registration(
        make_workshop(title="Draft plan", slug="draft", status=Workshop.Status.DRAFT),
        "Li Mei",
        email="li@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:my_registrations"), {"email": "li@example.org"})
    (message,) = mailoutbox
    assert message.to == ["li@example.org"]
    assert message.subject == "Your workshop registrations"
    assert f"/r/{here.token}/" in message.body
    assert f"/r/{later.token}/" in message.body
    assert "On the waiting list" in message.body
    assert "Draft plan" not in message.body
    html = message.alternatives[0][0]
    assert f"/r/{here.token}/" in html


def test_my_registrations_refuses_a_bad_address_naming_the_field(client, db):
    response = client.post(reverse("participants:my_registrations"), {"email": "not an address"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


def test_my_registrations_is_linked_from_the_form_and_the_thank_you_page(client, lijiang):
    link = f'href="{reverse("participants:my_registrations")}"'
    assert link in client.get(url(lijiang)).content.decode()
    assert link in client.get(f"/w/{lijiang.slug}/registered/").content.decode()


# Times: in the workshop's zone, and saying so --------------------------------------------


def test_public_page_states_the_deadline_in_the_workshops_zone(client, make_workshop):
    today = timezone.localdate()
    workshop = make_workshop(
        slug="ahead",
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=32),
        # 18:00 in Shanghai is 10:00 UTC: the page must say 18:00.
        registration_closes_at=timezone.datetime.combine(
            today + timedelta(days=20), timezone.datetime.min.time().replace(hour=18)
        ).replace(tzinfo=at(1, 0).tzinfo),
    )
    html = client.get(url(workshop)).content.decode()
    deadline = re.search(r'<p class="muted" id="deadline">(.*?)</p>', html, re.S).group(1)
    assert "18:00 (Asia/Shanghai time)" in deadline
    assert "10:00" not in deadline


# The form on a phone: a way to it from the top, a summary of what was refused, required
# fields marked, and nothing typed lost to the rate limit -----------------------------------


def test_public_page_offers_register_near_the_top(client, lijiang):
    html = client.get(url(lijiang)).content.decode()
    jump = html.index('<p class="register-jump"><a class="button primary" href="#register">')
    assert jump < html.index('<dl class="facts">')
    assert jump < html.index('id="register"')


def test_refused_submit_puts_a_summary_at_the_top_linking_to_each_field(client, lijiang):
    response = client.post(url(lijiang), form_data(name="", email="not-an-address", gender=""))
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary"(.*?)</div>', html, re.S)
    assert summary
    assert 'role="alert" tabindex="-1" data-focus-on-load' in summary.group(1)
    links = re.findall(r'<li><a href="#(id_\w+)">([^<]+)</a>: ([^<]+)</li>', summary.group(1))
    assert [(field, label) for field, label, _ in links] == [
        ("id_name", "Name (English / Latin script)"),
        ("id_gender", "Gender"),
        ("id_email", "E-mail"),
    ]
    assert summary.start() < html.index("<h1>")
    for field, _label, _error in links:
        assert f'id="{field}"' in html


def test_required_fields_are_marked(client, lijiang):
    html = client.get(url(lijiang)).content.decode()
    marked = re.findall(
        r'<label for="(id_\w+)">[^<]*<span class="required-mark" aria-hidden="true">\*</span>', html
    )
    assert marked == ["id_name", "id_gender", "id_email", "id_preferred_language"]
    assert '<label for="id_phone">Phone</label>' in html


def test_rate_limit_keeps_what_was_typed(client, lijiang, settings):
    settings.REGISTRATION_RATE_LIMIT_COUNT = 0
    response = client.post(url(lijiang), form_data(name="Zhang Wei", email="zw@example.org"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert 'name="name" value="Zhang Wei"' in html
    assert 'value="zw@example.org"' in html
    assert 'value="Yunnan Women&#x27;s Federation"' in html
    assert "Too many registrations have been sent from your network" in html
    assert "what you typed is still in the form below" in html
    assert "data-focus-on-load" in html
    assert 'class="errorlist"' not in html  # kept, not refused field by field
    assert Registration.objects.count() == 0


def test_public_page_in_chinese_shows_the_stored_chinese_texts(client, make_workshop):
    workshop = make_workshop(
        slug="zh",
        title="National Anti-Trafficking Workshop",
        title_local="全国反拐培训班",
        venue="Guanfang Hotel",
        venue_local="官房大酒店",
        city="Lijiang",
        city_local="丽江",
        objectives="To improve capabilities.",
        objectives_local="提高能力。",
    )
    host = Agency.objects.create(name="Ministry of Public Security", name_local="公安部")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role="host")
    html = client.get(url(workshop), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>全国反拐培训班</h1>" in html
    assert '<p class="local">National Anti-Trafficking Workshop</p>' in html
    assert "<dd>官房大酒店，丽江</dd>" in html  # noqa: RUF001
    assert "<p>提高能力。</p>" in html
    assert "To improve capabilities." not in html
    assert '<li>公安部 <span class="muted">Ministry of Public Security</span></li>' in html
    assert f'<option value="{host.pk}">公安部</option>' in html

    english = client.get(url(workshop), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>National Anti-Trafficking Workshop</h1>" in english
    assert "<dd>Guanfang Hotel, Lijiang</dd>" in english
