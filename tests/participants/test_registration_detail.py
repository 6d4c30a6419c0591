"""One registration as its organisers see and correct it (detail and edit pages), the person's
own details page, and the confirmation asked before declining or cancelling many at once."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Agency, Workshop
from participants.corrections import CorrectionRefused, correct_registration
from participants.models import Attendance, Participant, Registration
from participants.services import InvalidTransition, approve_registration, cancel_registration
from tests import factories
from tests.conftest import at

Status = Registration.Status
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def detail_url(registration, name="registration_detail"):
    return reverse(f"participants:{name}", args=[registration.workshop.slug, registration.pk])


def details_url(registration):
    return reverse("participants:personal_details", args=[registration.token])


FORM = {
    "name": "Li Mei",
    "name_local": "李梅",
    "gender": "female",
    "agency": "",
    "agency_name": "Lijiang Public Security Bureau",
    "position": "Inspector",
    "region": "Yunnan",
    "phone": "+86 139 0000 0000",
    "preferred_language": "en",
}


# The permission table ----------------------------------------------------------------------

PERSONAS = [
    "anonymous",
    "participant",  # holds the personal link of participant_registration
    "other_participant",  # holds a personal link of another workshop
    "organiser",
    "other_organiser",
    "funder",
    "staff",
    "superuser",
]

# (name, method, kind, data): kind "organiser" pages are the workshop's organisers' only;
# "personal" pages open with the registration's own link alone.
ROUTES = [
    ("registration_detail", "get", "organiser", None),
    ("registration_edit", "get", "organiser", None),
    ("registration_edit", "post", "organiser", {**FORM, "email": "li.mei@example.org"}),
    ("registrations_bulk_confirm", "post", "organiser", {"action": "cancel"}),
    ("personal_details", "get", "personal", None),
    ("personal_details", "post", "personal", FORM),
]


def expected_status(persona: str, name: str, kind: str, method: str):
    # A change redirects; the bulk confirmation only asks, on a page of its own.
    done = 302 if method == "post" and name != "registrations_bulk_confirm" else 200
    if kind == "personal":
        # Only the link counts: signed in or not, whoever holds it is the person.
        return done if persona == "participant" else 404
    if persona in ("organiser", "superuser"):
        return done
    if persona in ("other_organiser", "funder", "staff"):
        return 404
    return "login"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "kind", "data"), ROUTES, ids=[f"{r[0]}-{r[1]}" for r in ROUTES]
)
def test_permission_table(
    client,
    persona,
    name,
    method,
    kind,
    data,
    workshop,
    make_workshop,
    organiser,
    other_organiser,
    funder,
    superuser,
    participant_registration,
):
    other = factories.registration(make_workshop(slug="elsewhere"), "Someone Else")
    token = {"participant": participant_registration.token, "other_participant": other.token}
    users = {
        "organiser": organiser,
        "other_organiser": other_organiser,
        "funder": funder,
        "superuser": superuser,
    }
    if persona == "staff":
        client.force_login(
            get_user_model().objects.create_user("staff", password=PASSWORD, is_staff=True)
        )
    elif persona in users:
        client.force_login(users[persona])
    if kind == "personal":
        # The persona's own link, or (for those who hold none) the participant's URL guessed
        # with a wrong secret.
        url = reverse(
            f"participants:{name}", args=[token.get(persona, "not-" + token["participant"])]
        )
        if persona == "other_participant":
            url = reverse(f"participants:{name}", args=[token["participant"] + "x"])
    elif name == "registrations_bulk_confirm":
        url = reverse(f"participants:{name}", args=[workshop.slug])
        data = {**data, "registration": [participant_registration.pk]}
    else:
        url = detail_url(participant_registration, name)
    response = client.post(url, data) if method == "post" else client.get(url)

    expected = expected_status(persona, name, kind, method)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, response.content[:300]
    participant_registration.refresh_from_db()
    if expected not in (200, 302) or (method == "post" and name == "registrations_bulk_confirm"):
        # Refused, or only asked: nothing changed.
        assert participant_registration.status == Status.CONFIRMED
        assert participant_registration.position == ""
    if expected == 404:
        assert b"Li Mei" not in response.content


def test_another_workshops_registration_is_404_to_this_workshops_organiser(
    client, organiser, workshop, make_workshop
):
    elsewhere = factories.registration(make_workshop(slug="elsewhere"), "Wang Fang")
    client.force_login(organiser)

    # This workshop's slug with the other's registration: not found, nothing shown.
    url = reverse("participants:registration_detail", args=[workshop.slug, elsewhere.pk])
    response = client.get(url)

    assert response.status_code == 404
    assert b"Wang Fang" not in response.content


# The detail page ---------------------------------------------------------------------------


def test_detail_shows_who_status_attendance_and_history(
    client, organiser, workshop, make_session, participant_registration
):
    session = make_session(workshop, title="Trafficking definitions")
    Attendance.objects.create(registration=participant_registration, session=session, status="late")
    correct_registration(
        registration=participant_registration,
        values={"position": "Inspector"},
        by=organiser,
    )
    client.force_login(organiser)

    page = client.get(detail_url(participant_registration)).content.decode()

    assert '<h2 id="registration-heading">Li Mei <span lang="zh-Hans">李梅</span></h2>' in page
    assert 'data-status="confirmed">Confirmed</span>' in page
    assert "li.mei@example.org" in page
    assert "<dd>Inspector</dd>" in page
    assert "Trafficking definitions" in page
    assert "<td>Late</td>" in page
    # The trail: the correction, with its before and after.
    assert "<strong>Position</strong>: <ins>Inspector</ins>" in page
    assert detail_url(participant_registration, "registration_edit") in page


def test_the_roster_links_each_name_to_its_detail_page(
    client, organiser, workshop, participant_registration
):
    client.force_login(organiser)

    page = client.get(reverse("participants:registrations", args=[workshop.slug]))

    assert f'<a href="{detail_url(participant_registration)}">Li Mei</a>' in page.content.decode()


def test_detail_lists_the_emails_the_queue_sent(client, organiser, workshop, database_queue):
    from participants.services import register_participant
    from tests.integrations.conftest import run_worker

    registered = register_participant(
        workshop=workshop,
        data={"name": "Zhang Wei", "email": "zhang.wei@example.org"},
        source="public",
    )
    client.force_login(organiser)
    waiting = client.get(detail_url(registered.registration)).content.decode()
    run_worker()
    sent = client.get(detail_url(registered.registration)).content.decode()

    assert '<tr data-kind="registered_confirmed">' in waiting
    assert '<td data-state="waiting">Waiting to be sent</td>' in waiting
    assert '<td data-state="sent">Sent</td>' in sent
    assert "<td>Registration confirmed</td>" in sent


@pytest.fixture
def database_queue(settings, transactional_db):
    from tests.integrations.conftest import DATABASE_QUEUE

    settings.TASKS = DATABASE_QUEUE
    return settings


def test_detail_query_count_is_the_same_for_a_short_and_a_long_record(
    client, organiser, workshop, make_session, participant_registration
):
    def count() -> int:
        client.force_login(organiser)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(participant_registration)).status_code == 200
        return len(queries)

    make_session(workshop, title="One")
    short = count()
    for n in range(30):
        session = make_session(workshop, title=f"Session {n}")
        Attendance.objects.create(
            registration=participant_registration, session=session, status="present"
        )
        correct_registration(
            registration=participant_registration, values={"position": f"P{n}"}, by=organiser
        )
    long = count()

    # Session and user (2), the workshop (1), the registration with person and agencies (1),
    # the trail (1), the e-mails (1), the marks (1), the sessions (1), the messages' none.
    assert short == long == 8


# Correcting: the organiser ------------------------------------------------------------------


def test_organiser_corrects_the_details_and_the_trail_says_who(
    client, organiser, workshop, participant_registration
):
    agency = Agency.objects.create(name="Ministry of Public Security")
    client.force_login(organiser)

    response = client.post(
        detail_url(participant_registration, "registration_edit"),
        {
            **FORM,
            "name": "Li Meili",
            "agency": agency.pk,
            "phone": "",
            "email": "li.mei@example.org",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(participant_registration)
    participant_registration.refresh_from_db()
    assert participant_registration.name == "Li Meili"
    assert participant_registration.agency == agency
    # A chosen agency wins over the typed one; a blank clears.
    assert participant_registration.agency_name == ""
    assert participant_registration.phone == ""
    entry = LogEntry.objects.filter(
        additional_data__registration=participant_registration.pk
    ).latest("timestamp")
    assert entry.actor == organiser
    assert entry.additional_data["via"] == "organiser"
    assert entry.changes["name"] == ["Li Mei", "Li Meili"]


def test_organiser_corrects_the_address_to_another_person(
    client, organiser, workshop, participant_registration
):
    client.force_login(organiser)

    client.post(
        detail_url(participant_registration, "registration_edit"),
        {**FORM, "email": "LI.MEI@example.com"},
    )

    participant_registration.refresh_from_db()
    assert participant_registration.participant.email == "LI.MEI@example.com"
    # The old identity keeps existing for the person's other workshops, if any.
    assert Participant.objects.filter(email="li.mei@example.org").exists()


def test_an_address_already_registered_for_the_workshop_is_refused_on_its_field(
    client, organiser, workshop, participant_registration
):
    factories.registration(workshop, "Wang Fang", email="wang.fang@example.org")
    client.force_login(organiser)

    response = client.post(
        detail_url(participant_registration, "registration_edit"),
        {**FORM, "email": "Wang.Fang@example.org"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [
            "Wang.Fang@example.org is already registered for this workshop (Wang Fang): one "
            "person, one registration."
        ]
    }
    participant_registration.refresh_from_db()
    assert participant_registration.participant.email == "li.mei@example.org"


def test_bad_values_are_refused_naming_the_field(workshop, organiser, participant_registration):
    for values, field in [
        ({"name": "  "}, "name"),
        ({"gender": "robot"}, "gender"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
    ]:
        with pytest.raises(CorrectionRefused) as refused:
            correct_registration(registration=participant_registration, values=values, by=organiser)
        assert refused.value.field == field
    with pytest.raises(CorrectionRefused) as refused:
        correct_registration(
            registration=participant_registration, values={"email": "x@example.org"}, by=None
        )
    assert refused.value.message == (
        "Only the organisers can correct the e-mail address of a registration."
    )


def test_a_completed_workshops_registrations_are_read_only(
    client, organiser, workshop, participant_registration
):
    workshop.status = Workshop.Status.COMPLETED
    workshop.save()
    client.force_login(organiser)

    page = client.get(detail_url(participant_registration, "registration_edit")).content.decode()
    client.post(detail_url(participant_registration, "registration_edit"), {**FORM, "name": "X"})

    assert "This workshop is completed: its list of participants is read-only." in page
    assert '<form method="post" class="form"' not in page
    participant_registration.refresh_from_db()
    assert participant_registration.name == "Li Mei"


def test_the_edit_page_in_chinese(client, organiser, participant_registration):
    client.force_login(organiser)

    page = client.get(
        detail_url(participant_registration, "registration_edit"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "更正 Li Mei 的信息" in page
    assert "保存信息" in page


# Correcting: the person on their own page ---------------------------------------------------


def test_the_person_corrects_their_details_from_their_page(client, participant_registration):
    page = client.get(reverse("participants:personal", args=[participant_registration.token]))
    assert details_url(participant_registration) in page.content.decode()

    response = client.post(
        details_url(participant_registration),
        {**FORM, "name": "Li Meili", "email": "someone.else@example.org"},
        follow=True,
    )

    participant_registration.refresh_from_db()
    assert participant_registration.name == "Li Meili"
    assert participant_registration.position == "Inspector"
    # The address is not theirs to change here: the posted one is ignored.
    assert participant_registration.participant.email == "li.mei@example.org"
    assert [str(m) for m in response.context["messages"]] == ["Your details are saved."]
    entry = LogEntry.objects.filter(
        additional_data__registration=participant_registration.pk
    ).latest("timestamp")
    assert entry.actor is None
    assert entry.additional_data["via"] == "personal"


def test_a_refused_self_correction_shows_the_summary_and_keeps_what_was_typed(
    client, participant_registration
):
    response = client.post(details_url(participant_registration), {**FORM, "name": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert '<a href="#id_name">Name (English / Latin script)</a>: This field is required.' in page
    assert 'value="Inspector"' in page


def test_the_details_page_speaks_the_persons_language(client, participant_registration):
    participant_registration.preferred_language = "zh-hans"
    participant_registration.save()

    page = client.get(details_url(participant_registration)).content.decode()

    assert "更正您的信息" in page


def test_no_self_correction_once_the_workshop_is_cancelled(
    client, workshop, participant_registration
):
    workshop.status = Workshop.Status.CANCELLED
    workshop.save()

    response = client.post(details_url(participant_registration), {**FORM, "name": "X"})

    assert response.status_code == 302
    participant_registration.refresh_from_db()
    assert participant_registration.name == "Li Mei"


# Approving what the person cancelled themselves ---------------------------------------------


def test_approving_a_self_cancelled_registration_is_refused(
    client, organiser, workshop, participant_registration
):
    cancel_registration(registration=participant_registration)

    with pytest.raises(InvalidTransition):
        approve_registration(registration=participant_registration, by=organiser)
    client.force_login(organiser)
    response = client.post(
        reverse("participants:registrations_bulk", args=[workshop.slug]),
        {"action": "approve", "registration": [participant_registration.pk]},
        follow=True,
    )

    participant_registration.refresh_from_db()
    assert participant_registration.status == Status.CANCELLED
    assert [str(m) for m in response.context["messages"]] == [
        "1 could not be approved (Li Mei): Li Mei cancelled this registration themselves; "
        "only they can register again, on the workshop's page."
    ]


# Asking before ending many ----------------------------------------------------------------


@pytest.fixture
def full_workshop(workshop):
    workshop.capacity = 2
    workshop.save()
    seated = [
        factories.registration(workshop, "Seated One"),
        factories.registration(workshop, "Seated Two", email=""),
    ]
    waiting = factories.registration(workshop, "Waiting One", status=Status.WAITLISTED)
    gone = factories.registration(workshop, "Gone Already", status=Status.CANCELLED)
    return seated, waiting, gone


def test_bulk_cancel_asks_first_saying_how_many_will_be_emailed(
    client, organiser, workshop, full_workshop, mailoutbox, django_capture_on_commit_callbacks
):
    seated, _waiting, gone = full_workshop
    client.force_login(organiser)
    selection = {"action": "cancel", "registration": [seated[0].pk, seated[1].pk, gone.pk]}

    page = client.post(
        reverse("participants:registrations_bulk_confirm", args=[workshop.slug]),
        {**selection, "filters": "status=confirmed"},
    ).content.decode()

    # Two end (one has no address), one already ended; two seats free for the one waiting.
    assert "Cancel 2 registrations?" in page
    assert 'data-emailed="2"><strong>2 people will be e-mailed.</strong>' in page
    assert "1 of those selected is told that their registration has ended." in page
    assert "From the waiting list: Waiting One" in page
    assert "1 of the selected is already cancelled or declined" in page
    assert mailoutbox == []
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2

    # The page's own form: the same selection, to the action itself.
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    posted = dict(re.findall(r'name="(action|filters)" value="([^"]*)"', form.group(2)))
    ids = re.findall(r'name="registration" value="(\d+)"', form.group(2))
    assert form.group(1) == reverse("participants:registrations_bulk", args=[workshop.slug])
    assert ids == [str(seated[0].pk), str(seated[1].pk)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.group(1), {**posted, "registration": ids})

    assert response["Location"].endswith("?status=confirmed")
    assert sorted({m.to[0] for m in mailoutbox}) == [
        "seated.one@example.org",
        "waiting.one@example.org",
    ]


def test_the_roster_sends_decline_and_cancel_to_the_question_first(
    client, organiser, workshop, participant_registration
):
    client.force_login(organiser)

    page = client.get(reverse("participants:registrations", args=[workshop.slug])).content.decode()

    confirm = reverse("participants:registrations_bulk_confirm", args=[workshop.slug])
    for action in ("decline", "cancel"):
        assert f'value="{action}" class="danger" formaction="{confirm}"' in page
    assert 'value="approve" class="primary" formaction' not in page


def test_bulk_decline_confirmation_in_chinese(client, organiser, workshop, full_workshop):
    seated, _waiting, _gone = full_workshop
    client.force_login(organiser)

    page = client.post(
        reverse("participants:registrations_bulk_confirm", args=[workshop.slug]),
        {"action": "decline", "registration": [seated[0].pk]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()

    assert "拒绝 1 个报名？" in page  # noqa: RUF001
    assert "将向 2 人发送电子邮件。" in page


def test_bulk_confirmation_refused_for_a_completed_workshop(
    client, organiser, workshop, participant_registration
):
    workshop.status = Workshop.Status.COMPLETED
    workshop.save()
    client.force_login(organiser)

    response = client.post(
        reverse("participants:registrations_bulk_confirm", args=[workshop.slug]),
        {"action": "cancel", "registration": [participant_registration.pk]},
        follow=True,
    )

    assert next(str(m) for m in response.context["messages"]).startswith(
        "This workshop is completed"
    )


def test_the_session_times_on_the_detail_page_are_in_the_workshops_zone(
    client, organiser, workshop, make_session, participant_registration
):
    make_session(workshop, title="Opening", starts_at=at(27, 9), ends_at=at(27, 10))
    client.force_login(organiser)

    page = client.get(detail_url(participant_registration)).content.decode()

    assert 'datetime="2007-08-27T09:00:00+08:00"' in page
    assert len(mail.outbox) == 0


# The API: the same service -------------------------------------------------------------------


def test_the_api_corrects_details_through_the_same_rules(
    organiser, workshop, participant_registration
):
    from rest_framework.test import APIClient

    factories.registration(workshop, "Wang Fang", email="wang.fang@example.org")
    client = APIClient()
    client.force_authenticate(organiser)
    url = f"/api/v1/registrations/{participant_registration.pk}/"

    corrected = client.patch(url, {"position": "Inspector", "phone": ""}, format="json")
    clash = client.patch(url, {"email": "wang.fang@example.org"}, format="json")

    assert corrected.status_code == 200
    assert corrected.json()["position"] == "Inspector"
    assert clash.status_code == 400
    assert clash.json() == {
        "errors": [
            {
                "field": "email",
                "code": "refused",
                "message": "wang.fang@example.org is already registered for this workshop "
                "(Wang Fang): one person, one registration.",
            }
        ]
    }


def test_the_person_corrects_their_details_through_the_api(participant_registration):
    from rest_framework.test import APIClient

    url = f"/api/v1/personal/{participant_registration.token}/details/"

    corrected = APIClient().post(url, {"name": "Li Meili", "region": "Yunnan"}, format="json")
    refused = APIClient().post(url, {"name": ""}, format="json")
    address = APIClient().post(url, {"email": "other@example.org"}, format="json")

    assert corrected.status_code == 200
    assert corrected.json()["name"] == "Li Meili"
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "name"
    participant_registration.refresh_from_db()
    # The address is not a field of the person's own correction: ignored, never changed.
    assert address.status_code == 200
    assert participant_registration.participant.email == "li.mei@example.org"
    assert participant_registration.region == "Yunnan"
