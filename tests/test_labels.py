# ruff: noqa: RUF001
"""Every model's label (its __str__, shown by the admin, the audit trail and error messages)
says who and what, never bare ids; in the reader's language."""

import pytest
from django.utils import translation

from events.models import Agency, AgencyMember, WorkshopAgency
from feedback.models import Answer, Question, Questionnaire, Response, SealedResponse, Submission
from participants.models import Attendance, Registration
from reports.models import Report
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unicef(db):
    return Agency.objects.create(name="UNICEF China", acronym="UNICEF", kind=Agency.Kind.UN)


def test_an_agency_role_names_agency_role_and_workshop(workshop, unicef):
    role = WorkshopAgency.objects.create(
        workshop=workshop, agency=unicef, role=WorkshopAgency.Role.FUNDER
    )
    assert str(role) == ("UNICEF China (UNICEF), funder of National Anti-Trafficking Workshop")
    with translation.override("zh-hans"):
        assert str(role) == "National Anti-Trafficking Workshop的资助单位：UNICEF China (UNICEF)"


def test_an_agency_member_names_the_user_and_the_agency(make_user, unicef):
    member = AgencyMember.objects.create(user=make_user("wang.fang"), agency=unicef)
    assert str(member) == "wang.fang at UNICEF China (UNICEF)"


def test_a_registration_names_the_person_the_workshop_and_the_status(workshop):
    registration = factories.registration(workshop, "Li Mei", status="waitlisted")
    assert str(registration) == (
        "Li Mei for National Anti-Trafficking Workshop (on the waiting list)"
    )
    unnamed = factories.registration(workshop, "", email="no.name@example.org")
    assert str(unnamed) == "no.name@example.org for National Anti-Trafficking Workshop (confirmed)"


def test_an_attendance_names_who_the_session_and_the_status(workshop, make_session):
    session = make_session(workshop, title="Trafficking definitions")
    mark = Attendance.objects.create(
        registration=factories.registration(workshop, "Li Mei"),
        session=session,
        status=Attendance.Status.LATE,
    )
    assert str(mark) == "Li Mei at Trafficking definitions: late"
    with translation.override("zh-hans"):
        assert str(mark) == "Li Mei在Trafficking definitions：迟到"


def test_feedback_rows_name_their_questionnaire_and_never_who_answered(workshop):
    evaluation = Questionnaire.objects.create(workshop=workshop, title="Workshop evaluation")
    question = Question.objects.create(
        questionnaire=evaluation, order=1, kind=Question.Kind.RATING, text="Overall?"
    )
    response = Response.objects.create(questionnaire=evaluation, submitted_on=workshop.end_date)
    answer = Answer.objects.create(response=response, question=question, rating=4)
    sealed = SealedResponse.objects.create(questionnaire=evaluation, sealed=b"box")
    submission = Submission.objects.create(
        questionnaire=evaluation, registration=factories.registration(workshop, "Li Mei")
    )
    assert str(response) == "Response of Friday 31 August 2007 to Workshop evaluation"
    assert str(answer) == "Answer to “Overall?”"
    assert str(sealed) == "Sealed response to Workshop evaluation"
    assert str(submission) == "Li Mei answered Workshop evaluation"


def test_a_report_names_its_workshop_and_version(workshop):
    report = Report.objects.create(workshop=workshop)
    assert str(report) == f"Report on National Anti-Trafficking Workshop, version {report.version}"


def test_a_shared_link_without_a_label_names_its_report_and_end(workshop):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reports.models import ReportLink

    link = ReportLink.objects.create(
        report=Report.objects.create(workshop=workshop),
        token_hash="x" * 64,
        expires_at=datetime(2007, 12, 31, 12, tzinfo=ZoneInfo("UTC")),
    )
    assert str(link) == (
        "Shared link to the report on National Anti-Trafficking Workshop, "
        "until Monday 31 December 2007"
    )
    link.label = "For the donors' meeting"
    assert str(link) == "For the donors' meeting"


def test_the_audit_trail_files_a_change_under_its_readable_label(workshop, unicef):
    from auditlog.models import LogEntry

    role = WorkshopAgency.objects.create(
        workshop=workshop, agency=unicef, role=WorkshopAgency.Role.HOST
    )
    entry = LogEntry.objects.get_for_object(role).get()
    assert entry.object_repr == "UNICEF China (UNICEF), host of National Anti-Trafficking Workshop"


def test_registration_label_lists_cost_no_query_when_related_rows_are_loaded(
    workshop, django_assert_num_queries
):
    for name in ("Ann", "Bob", "Cat"):
        factories.registration(workshop, name)
    with django_assert_num_queries(1):
        labels = [str(r) for r in Registration.objects.select_related("workshop", "participant")]
    assert labels[0].endswith("for National Anti-Trafficking Workshop (confirmed)")
