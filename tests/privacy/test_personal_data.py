"""Personal data: a person's own download, erasure from a workshop, retention and its purge."""

# The feedback tests' fixtures are imported and used as arguments: not redefinitions.
# ruff: noqa: F811

import io
import json
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.context import acting
from events.models import Session, Workshop
from feedback.models import Questionnaire
from feedback.statistics import knowledge_test_results, questionnaire_results, response_rates
from participants.attendance import record_attendance
from participants.models import Participant, Registration
from privacy.services import (
    erase_registration,
    personal_data,
    pseudonym,
    purge_personal_data,
    retention_end,
)
from reports.certificates import issue_certificates
from reports.models import Certificate
from reports.statistics import workshop_figures
from tests import factories
from tests.conftest import at
from tests.feedback.conftest import evaluation, make_registration, people  # noqa: F401
from tests.feedback.test_statistics import answered, tests_taken  # noqa: F401

pytestmark = pytest.mark.django_db
NOW = datetime(2007, 9, 10, tzinfo=UTC)


@pytest.fixture
def held(workshop, make_session, organiser):
    """Li Mei, confirmed, present at both sessions of a completed workshop, certified."""
    first = make_session(workshop, title="Victim identification", starts_at=at(27, 9))
    second = make_session(workshop, title="Referral", starts_at=at(27, 11), ends_at=at(27, 12))
    registration = factories.registration(
        workshop,
        "Li Mei",
        name_local="李梅",
        gender=Registration.Gender.FEMALE,
        email="li.mei@example.org",
        phone="+86 138 0000 0000",
        position="Inspector",
        region="Yunnan",
    )
    with acting(actor=organiser, via="organiser"):
        for session in (first, second):
            record_attendance(
                registration=registration, session=session, status="present", by=organiser
            )
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.COMPLETED)
    workshop.refresh_from_db()
    issue_certificates(workshop, now=at(31, 18))
    registration.refresh_from_db()
    return registration


def test_personal_data_holds_details_attendance_and_certificates(held):
    data = personal_data(held)
    assert data["registration"]["email"] == "li.mei@example.org"
    assert data["registration"]["name_local"] == "李梅"
    assert data["registration"]["phone"] == "+86 138 0000 0000"
    assert [(m["session"], m["status"]) for m in data["attendance"]] == [
        ("Victim identification", "present"),
        ("Referral", "present"),
    ]
    (certificate,) = data["certificates"]
    assert certificate["code"] == held.certificates.get().code
    assert certificate["revoked_at"] is None
    assert data["workshop"]["contact_data_kept_until"] == "2009-08-31"


def test_download_as_json_and_as_a_page_from_the_personal_link(client, held):
    response = client.get(reverse("privacy:my_data_json", args=[held.token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == json.loads(
        json.dumps(personal_data(held), ensure_ascii=False)
    )
    page = client.get(reverse("privacy:my_data", args=[held.token]))
    html = page.content.decode()
    assert "li.mei@example.org" in html
    assert "Victim identification" in html
    assert held.certificates.get().code in html
    personal = client.get(reverse("participants:personal", args=[held.token])).content.decode()
    assert reverse("privacy:my_data", args=[held.token]) in personal
    assert client.get(reverse("privacy:my_data", args=["not-a-token"])).status_code == 404


def test_named_knowledge_test_answers_are_included(tests_taken):
    someone = tests_taken.responses.order_by("registration__pk").first().registration
    data = personal_data(someone)
    assert sorted(item["kind"] for item in data["answers"]) == ["post_test", "pre_test"]
    assert all(item["answers"] for item in data["answers"])
    assert {a["choice"] for item in data["answers"] for a in item["answers"]} <= {"a", "b", "c"}


def test_anonymous_answers_are_never_included(answered):
    evaluated = answered.submissions.order_by("pk").first().registration
    mine = personal_data(evaluated)
    assert mine["answers"] == []
    assert [a["questionnaire"] for a in mine["answered_anonymously"]] == [answered.title]
    text = json.dumps(mine)
    for answer_text in ("More cases", "Fewer lectures", "Send materials"):
        assert answer_text not in text


def _report(workshop):
    return asdict(workshop_figures(workshop, now=NOW))


def _evaluation_figures(questionnaire):
    results = questionnaire_results(questionnaire)
    return (
        repr(results),
        {key: [repr(row) for row in rows] for key, rows in response_rates(questionnaire).items()},
    )


def _erase_some(workshop, organiser, make_session, count=4):
    session = make_session(workshop, title="Victim identification", starts_at=at(27, 9))
    confirmed = list(workshop.registrations.filter(status=Registration.Status.CONFIRMED))
    for registration in confirmed:
        record_attendance(registration=registration, session=session, status="present", by=None)
    return confirmed[:count]


def test_erasure_keeps_the_reports_and_feedback_figures(
    workshop,
    organiser,
    answered,
    make_session,
):
    chosen = _erase_some(workshop, organiser, make_session)
    before = (_report(workshop), _evaluation_figures(answered))
    assert before[0]["attended"] == len(workshop.registrations.filter(status="confirmed"))
    with acting(actor=organiser, via="organiser"):
        for registration in chosen:
            erase_registration(registration=registration, by=organiser)
    assert (_report(workshop), _evaluation_figures(answered)) == before


def test_erasure_keeps_the_learning_gains(
    workshop,
    organiser,
    tests_taken,
    make_session,
):
    chosen = _erase_some(workshop, organiser, make_session)
    before = (_report(workshop), repr(knowledge_test_results(tests_taken)))
    with acting(actor=organiser, via="organiser"):
        for registration in chosen:
            erase_registration(registration=registration, by=organiser)
    assert (_report(workshop), repr(knowledge_test_results(tests_taken))) == before


def test_erasure_replaces_identity_blanks_contact_revokes_certificates_and_cleans_history(
    client, held, organiser
):
    old_token, email = held.token, held.participant.email
    result = erase_registration(registration=held, by=organiser)
    erased = Registration.objects.get(pk=held.pk)
    assert erased.name == pseudonym(erased) == f"Erased participant {held.pk}"
    assert (erased.name_local, erased.phone, erased.position) == ("", "", "")
    assert erased.participant.email == ""
    # Kept for the figures.
    assert (erased.gender, erased.region, erased.status) == ("female", "Yunnan", "confirmed")
    assert erased.attendances.count() == 2
    # The personal links stop working.
    assert client.get(reverse("participants:personal", args=[old_token])).status_code == 404
    certificate = Certificate.objects.get(registration=erased)
    assert certificate.revoked_at is not None
    assert certificate.name == erased.name
    assert result.certificates_revoked == 1
    # Nothing in the audit trail still names the person.
    text = json.dumps(
        list(LogEntry.objects.values_list("changes", "object_repr", "serialized_data"))
    )
    for secret in ("Li Mei", "李梅", email, "+86 138 0000 0000", "Inspector"):
        assert secret not in text
    last = LogEntry.objects.get_for_object(erased).order_by("-pk").first()
    assert last.changes["name"] == ["[erased]", erased.name]


def test_erasure_of_a_person_another_workshop_still_has_moves_only_this_registration(
    held, organiser, make_workshop
):
    other = factories.registration(
        make_workshop(slug="elsewhere"), "Li Mei", email="li.mei@example.org"
    )
    erase_registration(registration=held, by=organiser)
    other.refresh_from_db()
    assert other.participant.email == "li.mei@example.org"
    assert other.name == "Li Mei"
    held.refresh_from_db()
    assert held.participant_id != other.participant_id
    assert held.participant.email == ""


def test_organiser_erases_from_the_page_others_get_404(client, held, organiser, other_organiser):
    url = reverse("privacy:erase", args=[held.workshop.slug, held.pk])
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(organiser)
    page = client.get(url)
    assert "Erase Li Mei from this workshop" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.name == pseudonym(held)
    entry = LogEntry.objects.get_for_object(held).order_by("-pk").first()
    assert entry.actor == organiser
    assert entry.additional_data["via"] == "organiser"


# --- Retention ---------------------------------------------------------------------------


def test_retention_end_is_months_after_the_last_day(make_workshop):
    w = make_workshop(end_date=date(2007, 1, 31), start_date=date(2007, 1, 30))
    w.retention_months = 1
    assert retention_end(w) == date(2007, 2, 28)
    w.retention_months = 24
    assert retention_end(w) == date(2009, 1, 31)


@pytest.fixture
def two_workshops(make_workshop):
    """One workshop ended three years ago, one a month ago; both keep contact data a year."""
    today = timezone.localdate()
    old = make_workshop(
        slug="old",
        start_date=today - timedelta(days=3 * 365 + 2),
        end_date=today - timedelta(days=3 * 365),
        retention_months=12,
    )
    recent = make_workshop(
        slug="recent",
        start_date=today - timedelta(days=32),
        end_date=today - timedelta(days=30),
        retention_months=12,
    )
    gone = factories.registration(old, "Wang Fang", email="wang@example.org", phone="+86 1")
    shared = factories.registration(old, "Li Mei", email="li@example.org", phone="+86 2")
    factories.registration(recent, "Li Mei", email="li@example.org", phone="+86 3")
    return old, recent, gone, shared


def test_dry_run_says_what_it_would_delete_and_writes_nothing(two_workshops):
    old, _recent, _gone, _shared = two_workshops
    rows = sorted(Registration.objects.values_list("pk", "phone", "participant__email"))
    entries = LogEntry.objects.count()
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert (
        f"old (kept until {retention_end(old)}): would delete 1 e-mail address(es) and 2 phone "
        "number(s) of 2 registration(s)"
    ) in out.getvalue()
    assert "recent" not in out.getvalue()
    assert sorted(Registration.objects.values_list("pk", "phone", "participant__email")) == rows
    assert LogEntry.objects.count() == entries
    assert Workshop.objects.get(pk=old.pk).personal_data_purged_at is None


def test_purge_deletes_contact_data_of_past_due_workshops_only(two_workshops):
    old, recent, gone, shared = two_workshops
    done = purge_personal_data(now=timezone.now())
    assert [p.workshop.slug for p in done] == ["old"]
    gone.refresh_from_db()
    shared.refresh_from_db()
    assert (gone.phone, gone.participant.email, gone.name) == ("", "", "Wang Fang")
    # Li Mei's address is still needed by the recent workshop; her old phone is gone.
    assert (shared.phone, shared.participant.email) == ("", "li@example.org")
    assert Registration.objects.get(workshop=recent).phone == "+86 3"
    assert Workshop.objects.get(pk=old.pk).personal_data_purged_at is not None
    assert Workshop.objects.get(pk=recent.pk).personal_data_purged_at is None
    # Run again: nothing left to do.
    assert purge_personal_data(now=timezone.now()) == []
    # A year and a day on, the recent one goes too, and the address with it.
    later = purge_personal_data(now=timezone.now() + timedelta(days=367))
    assert [p.workshop.slug for p in later] == ["recent"]
    assert Participant.objects.filter(email="li@example.org").count() == 0
    assert not LogEntry.objects.filter(changes__icontains="+86 1").exists()


def test_public_form_says_what_is_kept_why_and_for_how_long(client, workshop):
    workshop.retention_months = 18
    workshop.registration_opens_at = None
    workshop.save()
    html = client.get(reverse("participants:public_workshop", args=[workshop.slug])).content
    html = html.decode()
    assert "deleted 18 months after the workshop" in html
    assert "Why: to run the workshop" in html
    assert "everything we hold about you" in html


def test_sessions_are_untouched_by_erasure(held, organiser):
    titles = list(Session.objects.values_list("title", flat=True))
    erase_registration(registration=held, by=organiser)
    assert list(Session.objects.values_list("title", flat=True)) == titles
    assert Questionnaire.objects.count() == 0


def test_my_data_page_in_the_persons_language(client, held):
    held.preferred_language = "zh-hans"
    held.save()
    html = client.get(reverse("privacy:my_data", args=[held.token])).content.decode()
    assert "我们为本培训班保存的关于您的全部信息" in html
    assert "下载为文件（JSON）" in html  # noqa: RUF001
