"""The audit trail: every write path leaves a record of who, when, before, after and from where;
feedback answers never do; organisers read it per workshop and per registration."""

import csv
import io
import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.context import acting
from events import services as event_services
from events.models import Agency, Trainer, WorkshopAgency
from feedback.models import Answer, Question, Questionnaire, Response, SealedResponse, Submission
from integrations.tokens import create_token
from participants import imports
from participants.attendance import clear_attendance, record_attendance
from participants.models import Attendance, Registration
from participants.services import approve_registration
from tests import factories
from tests.conftest import at

pytestmark = pytest.mark.usefixtures("empty_caches")


def entries_for(model, pk=None):
    found = LogEntry.objects.get_for_model(model)
    return found.filter(object_id=pk) if pk is not None else found


def last_for(obj) -> LogEntry:
    return entries_for(type(obj), obj.pk).order_by("-pk").first()


@pytest.fixture
def session(workshop, make_session):
    return make_session(workshop, title="Victim identification")


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def test_public_form_records_the_registration_from_the_public_pages(client, workshop):
    workshop.registration_opens_at = None
    workshop.save()
    response = client.post(
        reverse("participants:public_workshop", args=[workshop.slug]),
        {
            "name": "Zhang Wei",
            "gender": "male",
            "agency_name": "Yunnan Women's Federation",
            "email": "zhang.wei@example.org",
            "phone": "+86 888 512 3456",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(name="Zhang Wei")
    entry = last_for(registration)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None
    assert entry.additional_data == {
        "via": "public",
        "workshop": workshop.pk,
        "registration": registration.pk,
    }
    assert entry.changes["name"] == [None, "Zhang Wei"]
    assert entry.changes["phone"] == [None, "+86 888 512 3456"]
    # Secrets are never recorded.
    assert "token" not in entry.changes
    assert "feed_token" not in entry.changes
    assert registration.token not in str(entry.changes)
    # Only the registration's own columns: no reverse relation ("responses", "attendance")
    # recorded as its manager's text.
    assert not {"responses", "attendance", "submissions"} & set(entry.changes)
    assert ".None" not in str(entry.changes)


def test_organiser_page_records_who_changed_what_before_and_after(signed_in, organiser, session):
    response = signed_in.post(
        reverse("events:session_cancel", args=[session.workshop.slug, session.pk])
    )
    assert response.status_code == 302
    entry = last_for(session)
    assert entry.actor == organiser
    assert entry.additional_data["via"] == "organiser"
    assert entry.additional_data["workshop"] == session.workshop_id
    assert entry.changes["status"] == ["scheduled", "cancelled"]
    assert entry.remote_addr == "127.0.0.1"


def test_admin_records_the_admin_as_origin(client, make_user, workshop):
    admin = get_user_model().objects.create_superuser("boss", password="x" * 20)
    trainer = Trainer.objects.create(name="Dr Chen")
    client.force_login(admin)
    response = client.post(
        reverse("admin:events_trainer_delete", args=[trainer.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    entry = entries_for(Trainer, trainer.pk).get(action=LogEntry.Action.DELETE)
    assert entry.actor == admin
    assert entry.additional_data["via"] == "admin"
    assert entry.changes["name"] == ["Dr Chen", None]
    assert "feed_token" not in entry.changes


def test_api_token_records_the_tokens_user(client, organiser, session):
    registration = factories.registration(session.workshop, "Li Mei")
    _token, secret = create_token(user=organiser, name="sync")
    response = client.post(
        "/api/v1/attendance/",
        {"marks": [{"registration": registration.pk, "session": session.pk, "status": "late"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (200, 201), response.content
    entry = entries_for(Attendance).get()
    assert entry.actor == organiser
    assert entry.additional_data == {
        "via": "api",
        "workshop": session.workshop_id,
        "registration": registration.pk,
    }
    assert entry.changes["status"] == [None, "late"]


def test_a_batch_of_marks_leaves_each_its_own_record(client, organiser, session):
    """The API's batch is inserted at once, and so are its records: one for each mark,
    with the actor, the origin and the values, as a mark saved alone leaves."""
    people = [factories.registration(session.workshop, name) for name in ("Li Mei", "Wang Fang")]
    _token, secret = create_token(user=organiser, name="sync")
    marks = [
        {"registration": person.pk, "session": session.pk, "status": status}
        for person, status in zip(people, ("late", "present"), strict=True)
    ]
    response = client.post(
        "/api/v1/attendance/",
        {"marks": marks},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200, response.content
    records = {entry.object_id: entry for entry in entries_for(Attendance).select_related("actor")}
    assert len(records) == 2
    for person, status in zip(people, ("late", "present"), strict=True):
        record = Attendance.objects.get(registration=person)
        entry = records[record.pk]
        assert entry.action == entry.Action.CREATE
        assert entry.actor == organiser
        assert entry.object_pk == str(record.pk)
        assert entry.additional_data == {
            "via": "api",
            "workshop": session.workshop_id,
            "registration": person.pk,
        }
        assert entry.changes["status"] == [None, status]
        assert entry.changes["registration"] == [None, person.pk]


def test_import_records_each_registration_as_made_by_the_import(signed_in, organiser, workshop):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["Name", "Email", "Gender"], ["Wang Fang", "wang.fang@example.org", "female"]]
    )
    upload = SimpleUploadedFile("n.csv", buffer.getvalue().encode(), content_type="text/csv")
    preview = imports.read_nominations(workshop, upload)
    with acting(actor=organiser, via="organiser"):  # the import says "import" itself
        imports.import_nominations(workshop, preview.rows, nominated_by=None)
    registration = Registration.objects.get(name="Wang Fang")
    entry = last_for(registration)
    assert entry.actor == organiser
    assert entry.additional_data["via"] == "import"


def test_command_records_its_name(workshop):
    workshop.end_date = date(2000, 1, 31)
    workshop.start_date = date(2000, 1, 30)
    workshop.retention_months = 1
    workshop.save()
    registration = factories.registration(workshop, "Li Mei", phone="+86 1", email="li@x.org")
    call_command("purge_personal_data", stdout=io.StringIO())
    entry = last_for(registration)
    assert entry.actor is None
    assert entry.additional_data["via"] == "command:purge_personal_data"
    assert entry.changes == {"phone": ["[erased]", ""]}


def test_attendance_updates_and_undo_are_recorded_with_before_and_after(
    organiser, session, django_assert_num_queries
):
    registration = factories.registration(session.workshop, "Li Mei")
    with acting(actor=organiser, via="organiser"):
        record_attendance(
            registration=registration, session=session, status="present", by=organiser
        )
        # An UPDATE of the row (no signal): the service records it, with the old status.
        record_attendance(registration=registration, session=session, status="late", by=organiser)
        clear_attendance(registration=registration, session=session)
    records = list(entries_for(Attendance).order_by("pk"))
    assert [r.action for r in records] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert records[1].changes["status"] == ["present", "late"]
    assert records[2].changes["status"] == ["late", None]
    assert all(r.actor == organiser for r in records)
    assert {r.additional_data["registration"] for r in records} == {registration.pk}


def test_services_record_workshops_roles_trainers_sessions_and_registration_decisions(
    organiser, workshop, make_session
):
    agency = Agency.objects.create(name="UNICEF", kind=Agency.Kind.UN)
    trainer = Trainer.objects.create(name="Dr Chen")
    first = make_session(workshop, title="One", starts_at=at(27, 9), ends_at=at(27, 10))
    first.trainers.add(trainer)
    pending = factories.registration(workshop, "Wang Fang", status=Registration.Status.PENDING)
    with acting(actor=organiser, via="organiser"):
        event_services.update_workshop(
            workshop=workshop, data=event_services.WorkshopData.of(workshop, capacity=40)
        )
        role = event_services.add_agency_role(
            workshop=workshop, agency=agency, role=WorkshopAgency.Role.FUNDER
        )
        event_services.update_trainer(
            trainer=trainer, data=event_services.TrainerData.of(trainer, name="Dr Chen Li")
        )
        approve_registration(registration=pending, by=organiser, notify=False)
        copy = event_services.copy_workshop(
            source=workshop, start_date=date(2008, 8, 26), by=organiser
        )
    assert last_for(workshop).changes["capacity"] == [30, 40]
    assert last_for(role).action == LogEntry.Action.CREATE
    assert last_for(trainer).changes["name"] == ["Dr Chen", "Dr Chen Li"]
    assert last_for(pending).changes["status"] == ["pending", "confirmed"]
    # m2m: the session's trainers.
    m2m = entries_for(type(first), first.pk).filter(changes__has_key="trainers").get()
    assert m2m.changes["trainers"]["operation"] == "add"
    # A copied workshop's bulk-created sessions and roles are recorded too.
    copied = copy.sessions.get()
    assert last_for(copied).action == LogEntry.Action.CREATE
    assert last_for(copied).additional_data["workshop"] == copy.pk
    assert last_for(copy.agency_roles.get()).action == LogEntry.Action.CREATE


def test_questionnaires_and_questions_are_recorded(organiser, workshop):
    with acting(actor=organiser, via="organiser"):
        questionnaire = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
        question = Question.objects.create(
            questionnaire=questionnaire, text="How useful?", kind=Question.Kind.RATING
        )
    assert last_for(questionnaire).additional_data["workshop"] == workshop.pk
    assert last_for(question).additional_data["workshop"] == workshop.pk


def test_feedback_answers_responses_boxes_and_submissions_are_never_recorded(workshop):
    from auditlog.registry import auditlog

    from audit.registry import NEVER_AUDITED

    for label in NEVER_AUDITED:
        assert not auditlog.contains(apps.get_model(label)), label
    questionnaire = Questionnaire.objects.create(
        workshop=workshop, title="Evaluation", is_anonymous=False
    )
    question = Question.objects.create(
        questionnaire=questionnaire, text="How useful?", kind=Question.Kind.RATING
    )
    registration = factories.registration(workshop, "Li Mei")
    response = Response.objects.create(
        questionnaire=questionnaire, registration=registration, submitted_on=date(2007, 8, 31)
    )
    Answer.objects.create(response=response, question=question, rating=4)
    Submission.objects.create(questionnaire=questionnaire, registration=registration)
    for model in (Answer, Response, Submission, SealedResponse):
        assert not entries_for(model).exists()
    # And no record anywhere mentions an answer or a response.
    assert not LogEntry.objects.filter(object_repr__contains=str(response.pk)).exists()


def test_history_pages_show_the_workshops_and_the_registrations_records(
    signed_in, organiser, workshop, session
):
    registration = factories.registration(workshop, "Li Mei", status=Registration.Status.PENDING)
    with acting(actor=organiser, via="organiser"):
        registration = approve_registration(registration=registration, by=organiser, notify=False)
        record_attendance(
            registration=registration, session=session, status="present", by=organiser
        )
    page = signed_in.get(reverse("audit:workshop_history", args=[workshop.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Victim identification" in html
    assert "organiser&#x27;s pages" in html
    # In the words of the forms: the field's label, the choice's, the related row's name.
    assert "<strong>Status</strong>: <del>Pending approval</del> → <ins>Confirmed</ins>" in html
    # A person's identity only by its key on the workshop's page (one recorded earlier may be
    # one another workshop keeps); named on the registration's own page.
    assert f"<strong>Participant</strong>: <ins>#{registration.participant_id}</ins>" in html
    assert "li.mei@example.org" not in html
    assert "<strong>Session</strong>: <ins>Victim identification</ins>" in html
    assert "<strong>Cancelled by participant</strong>: <ins>no</ins>" in html
    # Nothing for a field that was empty and stayed so, nor the row's own key.
    assert "<strong>Note</strong>" not in html
    assert "<strong>ID</strong>" not in html
    one = signed_in.get(
        reverse("audit:registration_history", args=[workshop.slug, registration.pk])
    )
    assert "<strong>Participant</strong>: <ins>li.mei@example.org</ins>" in one.content.decode()
    rows = one.context["history"]
    assert {row.entry.content_type.model for row in rows} == {"registration", "attendance"}
    assert all(row.entry.additional_data["registration"] == registration.pk for row in rows)


def test_history_pages_are_404_to_other_organisers(client, other_organiser, workshop):
    registration = factories.registration(workshop, "Li Mei")
    client.force_login(other_organiser)
    assert client.get(reverse("audit:workshop_history", args=[workshop.slug])).status_code == 404
    url = reverse("audit:registration_history", args=[workshop.slug, registration.pk])
    assert client.get(url).status_code == 404


def test_a_registration_of_another_workshop_is_404(signed_in, workshop, make_workshop):
    elsewhere = factories.registration(make_workshop(slug="elsewhere"), "Li Mei")
    url = reverse("audit:registration_history", args=[workshop.slug, elsewhere.pk])
    assert signed_in.get(url).status_code == 404


def test_workshop_history_reads_the_same_queries_for_10_and_1000_records(
    signed_in, organiser, workshop, django_assert_num_queries
):
    content_type = ContentType.objects.get_for_model(type(workshop))

    def count_for(n):
        LogEntry.objects.filter(additional_data__workshop=workshop.pk).delete()
        entries = [
            LogEntry(
                content_type=content_type,
                object_pk=str(workshop.pk),
                object_id=workshop.pk,
                object_repr=workshop.title,
                action=LogEntry.Action.UPDATE,
                changes={"capacity": ["30", str(i)]},
                actor=organiser,
                additional_data={"via": "organiser", "workshop": workshop.pk},
            )
            for i in range(n)
        ]
        LogEntry.objects.bulk_create(entries)
        # The session and user; the workshop; the content type of trainers (cached after);
        # the count for the pages; the page of records with actors and models.
        with django_assert_num_queries(5):
            response = signed_in.get(reverse("audit:workshop_history", args=[workshop.slug]))
        assert response.status_code == 200
        return len(response.context["history"])

    assert count_for(10) == 10
    assert count_for(1000) == 100


def test_related_rows_are_named_in_one_query_for_10_and_1000_records(
    signed_in, organiser, workshop, django_assert_num_queries
):
    from events.models import Agency, WorkshopAgency

    content_type = ContentType.objects.get_for_model(WorkshopAgency)
    agencies = [Agency.objects.create(name=f"Agency {n}") for n in range(3)]

    def count_for(n):
        LogEntry.objects.filter(additional_data__workshop=workshop.pk).delete()
        LogEntry.objects.bulk_create(
            LogEntry(
                content_type=content_type,
                object_pk=str(i),
                object_id=i,
                object_repr=f"role {i}",
                action=LogEntry.Action.UPDATE,
                changes={"agency": [agencies[i % 3].pk, agencies[(i + 1) % 3].pk]},
                actor=organiser,
                additional_data={"via": "organiser", "workshop": workshop.pk},
            )
            for i in range(n)
        )
        # As above, and one query for the agencies the records name.
        with django_assert_num_queries(6):
            response = signed_in.get(reverse("audit:workshop_history", args=[workshop.slug]))
        html = response.content.decode()
        assert "<del>Agency 0</del> → <ins>Agency 1</ins>" in html
        return len(response.context["history"])

    assert count_for(10) == 10
    assert count_for(1000) == 100


def test_a_deleted_related_row_is_shown_by_its_key(signed_in, organiser, workshop):
    from events.models import WorkshopAgency

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(WorkshopAgency),
        object_pk="1",
        object_id=1,
        object_repr="role",
        action=LogEntry.Action.UPDATE,
        changes={"agency": [None, 987654]},
        actor=organiser,
        additional_data={"via": "organiser", "workshop": workshop.pk},
    )
    html = signed_in.get(reverse("audit:workshop_history", args=[workshop.slug])).content.decode()
    assert "<strong>Agency</strong>: <ins>#987654</ins>" in html


def test_history_page_in_chinese(signed_in, workshop):
    page = signed_in.get(
        reverse("audit:workshop_history", args=[workshop.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert "修改人" in html
    assert "来源" in html


def test_every_field_label_of_the_history_is_translated(signed_in, organiser, workshop, session):
    # Fields Django names from their attribute (no verbose_name: a registration's workshop
    # and person, its "cancelled by participant", every row's "created at" and "updated at")
    # are labelled in the page's language too.
    registration = factories.registration(workshop, "Li Mei", status=Registration.Status.PENDING)
    with acting(actor=organiser, via="organiser"):
        registration = approve_registration(registration=registration, by=organiser, notify=False)
        record_attendance(
            registration=registration, session=session, status="present", by=organiser
        )
    page = signed_in.get(
        reverse("audit:workshop_history", args=[workshop.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    labels = set(re.findall(r"<li><strong>([^<]*)</strong>: ", page.content.decode()))
    assert "状态" in labels
    assert [label for label in labels if label.isascii()] == []


def test_the_history_after_a_merge_of_trainers_names_both(signed_in, organiser, workshop, session):
    # A merge records a session's trainers as the two records' names (not keys).
    from events.duplicates import merge_trainers

    keep = Trainer.objects.create(name="Liang Shuying", created_by=organiser)
    duplicate = Trainer.objects.create(name="liang  SHUYING", created_by=organiser)
    session.trainers.add(duplicate)
    merge_trainers(keep=keep, duplicate=duplicate, by=organiser)

    page = signed_in.get(reverse("audit:workshop_history", args=[workshop.slug]))
    assert page.status_code == 200
    assert "<del>liang  SHUYING</del> → <ins>Liang Shuying</ins>" in page.content.decode()


def test_an_erased_registration_s_history_never_names_its_person(
    signed_in, organiser, workshop, make_workshop
):
    # Another workshop still has the person: erasure moves this registration to a new
    # identity, and the old one keeps the address. The records named the old one by its key.
    from privacy.services import erase_registration

    elsewhere = factories.registration(make_workshop(slug="elsewhere"), email="li.mei@example.org")
    registration = factories.registration(workshop, "Li Mei", participant=elsewhere.participant)
    erase_registration(registration=registration, by=organiser)

    for url in (
        reverse("audit:workshop_history", args=[workshop.slug]),
        reverse("audit:registration_history", args=[workshop.slug, registration.pk]),
    ):
        page = signed_in.get(url)
        assert page.status_code == 200
        assert "li.mei@example.org" not in page.content.decode()


def test_an_identity_recorded_earlier_is_shown_by_its_key_only(signed_in, workshop, make_workshop):
    # The registration moved from an identity another workshop still has (a corrected address,
    # an erased person's old identity): its address is not this page's to show.
    elsewhere = factories.registration(make_workshop(slug="elsewhere"), "Wang Fang")
    registration = factories.registration(workshop, "Li Mei")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Registration),
        object_pk=str(registration.pk),
        object_id=registration.pk,
        object_repr=str(registration),
        action=LogEntry.Action.UPDATE,
        changes={"participant": [elsewhere.participant_id, registration.participant_id]},
        additional_data={
            "via": "organiser",
            "workshop": workshop.pk,
            "registration": registration.pk,
        },
    )
    for url in (
        reverse("audit:registration_history", args=[workshop.slug, registration.pk]),
        reverse("participants:registration_detail", args=[workshop.slug, registration.pk]),
    ):
        html = signed_in.get(url).content.decode()
        assert f"<del>#{elsewhere.participant_id}</del>" in html, url
        assert elsewhere.participant.email not in html, url
