"""The report's figures against figures worked out by hand, the small-group rule included."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.models import Agency, Session
from feedback.models import Questionnaire
from participants.models import Attendance, Registration
from reports import statistics
from reports.models import Certificate
from tests import factories
from tests.conftest import at

AFTER = datetime(2007, 9, 1, tzinfo=ZoneInfo("UTC"))


def test_breakdown_hides_small_groups_and_the_one_that_would_give_them_away():
    labels = {"a": "A", "b": "B", "c": "C"}
    # c (2) is below 5; alone hidden, it would be 20 - 12 - 6: b (the smallest shown) goes too.
    found = statistics.breakdown({"a": 12, "b": 6, "c": 2}, labels, limit=5)
    assert found.total == 20
    assert [(g.label, g.count) for g in found.groups] == [("A", 12), ("B", None), ("C", None)]
    assert found.hidden == 2
    # Two small groups hide each other: nothing more is hidden.
    found = statistics.breakdown({"a": 12, "b": 3, "c": 2}, labels, limit=5)
    assert [(g.label, g.count) for g in found.groups] == [("A", 12), ("B", None), ("C", None)]
    # Nothing small: all shown, largest first, ties by label.
    found = statistics.breakdown({"b": 6, "a": 6, "c": 9}, labels, limit=5)
    assert [(g.label, g.count) for g in found.groups] == [("C", 9), ("A", 6), ("B", 6)]


@pytest.fixture
def held(workshop, make_session):
    """14 confirmed people (and one waiting) in three agencies; three sessions held and one
    cancelled; marks as in each test's hand count."""
    national = Agency.objects.create(name="Ministry", level=Agency.Level.NATIONAL, region="Beijing")
    province = Agency.objects.create(
        name="Province", level=Agency.Level.PROVINCIAL, region="Yunnan Province"
    )
    un = Agency.objects.create(name="UN Office", kind=Agency.Kind.UN, level="international")
    people = []
    for n in range(6):
        people.append(factories.registration(workshop, f"F{n}", gender="female", agency=national))
    for n in range(5):
        people.append(factories.registration(workshop, f"M{n}", gender="male", agency=province))
    for n in range(2):
        people.append(factories.registration(workshop, f"U{n}", gender="male", agency=un))
    people.append(
        factories.registration(workshop, "X", gender="undisclosed", agency=national, region="Hebei")
    )
    factories.registration(workshop, "Waiting", status=Registration.Status.WAITLISTED)
    first = make_session(workshop, title="One", starts_at=at(27, 9), ends_at=at(27, 10))
    second = make_session(workshop, title="Two", starts_at=at(27, 11), ends_at=at(27, 12))
    third = make_session(workshop, title="Three", starts_at=at(28, 9), ends_at=at(28, 10))
    make_session(
        workshop,
        title="Dropped",
        starts_at=at(28, 11),
        ends_at=at(28, 12),
        status=Session.Status.CANCELLED,
    )
    marks = [(first, people[:10], "present"), (second, people[:7], "present")]
    marks += [(second, people[7:8], "late"), (third, people, "present")]
    for session, who, status in marks:
        for registration in who:
            Attendance.objects.create(registration=registration, session=session, status=status)
    Certificate.objects.create(
        registration=people[0], code="AAAA", name="F0", time_attended=timedelta(hours=3)
    )
    Certificate.objects.create(
        registration=people[1],
        code="BBBB",
        name="F1",
        time_attended=timedelta(hours=3),
        revoked_at=AFTER,
    )
    Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    return people


def test_people_figures_by_hand(workshop, held):
    people = statistics.report_figures(workshop, now=AFTER).people
    assert people.total == 14

    def groups(breakdown):
        return [(group.key, group.count) for group in breakdown.groups]

    # female 6, male 7, undisclosed 1: the 1 is hidden, and female (6) with it.
    assert groups(people.by_gender) == [("male", 7), ("female", None), ("undisclosed", None)]
    # government 12, UN 2: two groups, one small: both hidden.
    assert groups(people.by_kind) == [("government", None), ("un", None)]
    # national 7, provincial 5, international 2: provincial hidden with international.
    assert groups(people.by_level) == [
        ("national", 7),
        ("international", None),
        ("provincial", None),
    ]
    # Beijing 6 (the agency's), Yunnan 5, Hebei 1 (typed), none 2: two small, both hidden.
    assert groups(people.by_region) == [
        ("Beijing", 6),
        ("Yunnan Province", 5),
        ("Hebei", None),
        ("", None),
    ]
    assert people.by_region.groups[-1].label == "Not given"


def test_attendance_figures_by_hand(workshop, held):
    found = statistics.report_figures(workshop, now=AFTER)
    # Day 27: 10 + 8 slots attended of 14 people * 2 slots; day 28: 14 of 14.
    days = {rate.key: (rate.attended, rate.expected) for rate in found.days}
    assert days[date(2007, 8, 27)] == (18, 28)
    assert days[date(2007, 8, 28)] == (14, 14)
    assert days[date(2007, 8, 26)] == (0, 0)
    by_title = {row.session.title: row.rate for row in found.sessions}
    assert [(r.attended, r.expected) for r in (by_title["One"], by_title["Two"])] == [
        (10, 14),
        (8, 14),
    ]
    assert by_title["Dropped"] is None  # cancelled: listed, no rate
    # 80% of 3 slots needs all 3: the first 8 people.
    assert found.completed == 8
    assert found.completion_rate == 8 / 14
    assert found.certificates == 1  # the revoked one does not count
    assert found.figures.confirmed == 14
    assert found.figures.attended == 10 + 8 + 14
    assert [results.invited for results in found.evaluations] == [14]
    assert found.gains == []


def test_report_figures_query_count_is_fixed(workshop, held, django_assert_num_queries):
    # Sessions, their trainers, their topics; session rates (confirmed count, sessions);
    # questionnaires; the figures; the breakdowns; day rates (slots, attended, confirmed
    # count); the completed; certificates; the evaluation's counts and its questions (it has
    # none, so no answers, choices or comments are asked for).
    with django_assert_num_queries(15):
        statistics.report_figures(workshop, now=AFTER)
