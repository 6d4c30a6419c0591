"""``load_demo``: the Lijiang workshop as the 2007 summary tells it, plus sample data.

The facts asserted here are copied from ``shared/reference/lijiang-workshop-2007.txt``.
"""

# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001

import io
import random
import re
from collections import Counter
from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count, Q
from django.urls import reverse

from events.clashes import clashes_by_workshop, outside_workshop_dates
from events.models import Agency, AgencyMember, Session, Topic, Trainer, Workshop, WorkshopAgency
from feedback.models import Answer, Question, Questionnaire, Response, Submission
from participants.models import Attendance, Participant, Registration
from reports import services as report_services
from reports.demo import build_plan, load_demo
from reports.models import Report

Role = WorkshopAgency.Role
NWCCW = "National Working Committee on Children and Women under the State Council"
MPS = "Ministry of Public Security"
IOM = "International Organization for Migration"
CRIMINAL_LEGISLATION = (
    "Criminal Legislation Department of the Legislative Affairs Commission of the "
    "National People's Congress"
)
PROVINCES = [
    "Yunnan Province",
    "Guangxi Zhuang Autonomous Region",
    "Guangdong Province",
    "Sichuan Province",
    "Shanxi Province",
    "Jilin Province",
]
# (name, name in Chinese, honorific, position, agency), as the summary names them.
TRAINERS = [
    ("Huang TaiYun", "黄太云", "", "Deputy Director-General", CRIMINAL_LEGISLATION),
    ("Liang ShuYing", "梁淑英", "Prof.", "", "China University of Political Science and Law"),
    (
        "Mi XiaoXiong",
        "",
        "Dr.",
        "",
        "Social Policy Research Centre of the Chinese Academy of Social Sciences",
    ),
    ("Tong JiYu", "", "", "researcher", "Yunnan Academy of Social Sciences"),
    ("Lance Bonneau", "", "", "senior regional programme officer", IOM),
]
APPS = {"auth", "events", "participants", "feedback", "reports"}


@pytest.fixture
def demo(loaded_demo):
    return loaded_demo


@pytest.fixture
def lijiang(demo):
    return Workshop.objects.get(slug="lijiang-2007")


def every_row() -> dict[str, list[dict]]:
    """Every row of every table of ours, every column, in key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS
    }


def agency_names(workshop, role) -> list[str]:
    return list(
        workshop.agency_roles.filter(role=role)
        .order_by("order")
        .values_list("agency__name", flat=True)
    )


def demo_by_natural_keys() -> dict[str, list[tuple]]:
    """What the demo holds, keyed by what stays the same between databases (no pks)."""
    return {
        name: sorted(queryset.values_list(*fields), key=repr)
        for name, queryset, fields in [
            ("participants", Participant.objects.all(), ("email", "is_sample")),
            (
                "registrations",
                Registration.objects.all(),
                (
                    "participant__email",
                    "name",
                    "name_local",
                    "gender",
                    "agency__name",
                    "position",
                    "region",
                    "status",
                    "created_at",
                    "waitlisted_at",
                ),
            ),
            (
                "sessions",
                Session.objects.all(),
                ("uid", "title", "kind", "starts_at", "ends_at", "room__name", "trainers__name"),
            ),
            (
                "attendance",
                Attendance.objects.all(),
                ("registration__participant__email", "session__uid", "status", "note"),
            ),
            # Anonymous responses have random keys: compared as a multiset of their values.
            (
                "responses",
                Response.objects.all(),
                (
                    "questionnaire__kind",
                    "registration__participant__email",
                    "language",
                    "submitted_on",
                ),
            ),
            (
                "answers",
                Answer.objects.all(),
                (
                    "question__questionnaire__kind",
                    "question__order",
                    "rating",
                    "choice__order",
                    "text",
                ),
            ),
            (
                "submissions",
                Submission.objects.all(),
                ("questionnaire__kind", "registration__participant__email", "submitted_at"),
            ),
        ]
    }


# --- Loading -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_twice_changes_no_row(loaded_demo, django_assert_num_queries):
    first = loaded_demo  # what the first load_demo() on this database returned
    before = every_row()

    # A loaded demo is only read: one SAVEPOINT and RELEASE; 22 agencies, the 3 accounts
    # (1), the funder's membership; the workshop, the organiser link, its agency roles
    # (1); 5 trainers, 4 topics, 4 rooms; the sessions with their trainers and topics (3);
    # participants, registrations, attendance; 3 questionnaires, questions, choices, who
    # has answered (so nobody answers again); the published report; the next edition
    # (12): its first day, the workshop, the organiser link, its agency roles (1), the 2007
    # sessions with their trainers and topics (3), its own (3), participants,
    # registrations; 9 counts for the summary.
    with django_assert_num_queries(76):
        second = load_demo()

    assert first.created > 3000
    assert (second.created, second.updated) == (0, 0)
    assert every_row() == before
    assert second.counts == first.counts


@pytest.mark.django_db
def test_load_demo_gives_the_same_data_on_a_fresh_database(loaded_demo):
    first = demo_by_natural_keys()
    Workshop.objects.all().delete()
    for model in (Participant, Trainer, Topic, AgencyMember, get_user_model()):
        model.objects.all().delete()
    Agency.objects.filter(parent__isnull=False, children__isnull=True).delete()
    Agency.objects.filter(parent__isnull=False).delete()
    Agency.objects.all().delete()

    load_demo()

    assert demo_by_natural_keys() == first
    assert len(first["attendance"]) == 1200


@pytest.mark.django_db
def test_load_demo_puts_changed_demo_rows_back(demo):
    session = Session.objects.get(uid="lijiang-2007-day3-am1@workshops.demo")
    original_start = session.starts_at
    statuses = dict(session.attendances.values_list("registration_id", "status"))
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()
    Registration.objects.filter(
        workshop__slug="lijiang-2007", participant__email="p01@example.org"
    ).update(name="Someone Else")
    Attendance.objects.filter(session=session).update(status=Attendance.Status.ABSENT)

    again = load_demo()

    session.refresh_from_db()
    assert session.starts_at == original_start
    # Moved and moved back: subscribed calendars must see two revisions.
    assert session.sequence == 2
    assert (
        Registration.objects.get(
            workshop__slug="lijiang-2007", participant__email="p01@example.org"
        ).name
        != "Someone Else"
    )
    assert dict(session.attendances.values_list("registration_id", "status")) == statuses
    assert again.created == 0
    changed_attendance = sum(status != "absent" for status in statuses.values())
    assert again.updated == 1 + 1 + changed_attendance


@pytest.mark.django_db
def test_load_demo_puts_the_chinese_texts_back(demo):
    Workshop.objects.filter(slug="lijiang-2007").update(
        narrative_local="", venue_local="Elsewhere", city_local="昆明"
    )

    again = load_demo()

    lijiang = Workshop.objects.get(slug="lijiang-2007")
    assert (lijiang.venue_local, lijiang.city_local) == ("丽江官房大酒店", "丽江")
    assert lijiang.narrative_local.startswith("培训重点围绕国际和国内关于拐卖人口的定义")
    assert (again.created, again.updated) == (0, 1)


@pytest.mark.django_db
def test_load_demo_puts_a_questions_trainer_back(demo):
    about_huang = Question.objects.get(
        questionnaire__workshop__slug="lijiang-2007", trainer__name="Huang TaiYun"
    )
    liang = Trainer.objects.get(name="Liang ShuYing")
    general = Question.objects.get(
        questionnaire__workshop__slug="lijiang-2007", questionnaire__kind="evaluation", order=1
    )
    Question.objects.filter(pk=about_huang.pk).update(trainer=liang)
    Question.objects.filter(pk=general.pk).update(trainer=liang)

    again = load_demo()

    about_huang.refresh_from_db()
    general.refresh_from_db()
    assert about_huang.trainer.name == "Huang TaiYun"
    assert general.trainer is None
    assert (again.created, again.updated) == (0, 2)


@pytest.mark.django_db
def test_load_demo_puts_the_agencies_roles_back_in_order(lijiang):
    def roles():
        return list(
            lijiang.agency_roles.order_by("role", "order").values_list(
                "role", "order", "agency__name", "note"
            )
        )

    before = roles()
    hosts = list(lijiang.agency_roles.filter(role=Role.HOST).order_by("order"))
    # Numbered from 1, as the demo numbered them before its roles went through the services.
    for n, role in enumerate(lijiang.agency_roles.filter(role=Role.ATTENDING).order_by("order")):
        WorkshopAgency.objects.filter(pk=role.pk).update(order=n + 1)
    WorkshopAgency.objects.filter(pk=hosts[0].pk).update(order=5, note="Moved")
    hosts[1].delete()

    again = load_demo()

    assert roles() == before
    attending = [order for role, order, *_ in before if role == Role.ATTENDING]
    assert attending == list(range(len(attending)))
    assert (again.created, again.updated) == (1, 1 + len(attending))


@pytest.mark.django_db
def test_load_demo_publishes_its_report_again_on_the_demos_date(lijiang):
    published = Report.objects.get(workshop=lijiang)
    organiser = published.published_by
    report_services.publish_report(
        workshop=lijiang, user=organiser, accounts_language="en", notify=False
    )

    again = load_demo()

    report = Report.objects.get(workshop=lijiang)
    assert (report.version, report.published_at, report.published_by) == (
        3,
        published.published_at,
        organiser,
    )
    assert (published.version, again.created, again.updated) == (1, 0, 1)
    assert not report.deliveries.exists()


@pytest.mark.django_db
def test_load_demo_leaves_other_data_alone(make_workshop):
    other = make_workshop(title="Another Workshop", slug="another")
    person = Participant.objects.create(email="li@example.org")
    Registration.objects.create(
        workshop=other, participant=person, name="Li Mei", name_local="李梅", status="confirmed"
    )

    load_demo()

    assert Workshop.objects.count() == 3  # the other, the demo and its next edition
    assert list(other.registrations.values_list("name", flat=True)) == ["Li Mei"]
    assert not Participant.objects.get(pk=person.pk).is_sample


@pytest.mark.django_db
def test_load_demo_draws_from_its_own_seed_not_the_global_random():
    random.seed(1)
    expected = random.random()
    random.seed(1)
    load_demo()
    assert random.random() == expected
    assert build_plan() == build_plan()


def signs_in(client, username: str, password: str) -> bool:
    """Through the sign-in page (django-axes needs the request that Client.login lacks)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.mark.django_db
def test_load_demo_command_prints_the_logins_and_counts(client, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()

    assert "organiser: username organiser, password lijiang2007" in text
    assert "administrator: username admin, password yunnan2007" in text
    assert "62 participants, 62 registrations, 1200 attendance records" in text
    assert "Sample data (generated, not in the summary):" in text
    assert signs_in(client, "organiser", "lijiang2007")
    organiser = get_user_model().objects.get(username="organiser")
    assert sorted(Workshop.objects.organised_by(organiser).values_list("slug", flat=True)) == [
        "lijiang-2007",
        "lijiang-next-edition",
    ]

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Already loaded: nothing changed." in out.getvalue()


def test_the_readme_lists_the_logins_the_demo_prints():
    """README's table of demo logins is what ``load_demo`` prints and loads, row for row."""
    from pathlib import Path

    from django.conf import settings as django_settings

    from reports.demo.sample import LOGINS

    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    listed = re.findall(r"^\| [^|]+ \| `([^`]+)` \| `([^`]+)` \|", readme, flags=re.M)
    assert listed == [(username, password) for _role, username, password, *_ in LOGINS]


@pytest.mark.django_db
def test_load_demo_puts_a_changed_demo_password_back(demo, client):
    organiser = get_user_model().objects.get(username="organiser")
    organiser.set_password("something else")
    organiser.save()

    again = load_demo()

    assert (again.created, again.updated) == (0, 1)
    assert signs_in(client, "organiser", "lijiang2007")


@pytest.mark.django_db
def test_demo_funder_account_belongs_to_the_funding_agency(lijiang):
    funder = get_user_model().objects.get(username="funder")
    assert not funder.is_staff
    assert funder.agency_membership.agency.name == "UNIAP China Office"
    assert agency_names(lijiang, Role.FUNDER) == ["UNIAP China Office"]
    assert lijiang.agency_roles.get(role=Role.FUNDER).note.startswith("Sample data")


# --- The facts of the 2007 summary ------------------------------------------------------


@pytest.mark.django_db
def test_demo_workshop_has_the_summarys_title_dates_and_place(lijiang):
    assert lijiang.title == "National Anti-Trafficking Workshop"
    assert (lijiang.start_date, lijiang.end_date) == (date(2007, 8, 26), date(2007, 8, 31))
    assert (lijiang.city, lijiang.region, lijiang.country) == (
        "Lijiang",
        "Yunnan Province",
        "China",
    )
    assert lijiang.timezone == "Asia/Shanghai"
    assert lijiang.status == Workshop.Status.COMPLETED
    assert lijiang.capacity == 60
    assert not lijiang.is_sample
    assert lijiang.summary_provided_by.name == "UNIAP China Office"
    assert lijiang.summary_date == date(2008, 8, 1)


@pytest.mark.django_db
def test_demo_workshop_has_the_summarys_objectives_and_narrative(lijiang):
    assert lijiang.objectives.startswith(
        "To further improve the capabilities of personnel engaged in anti-trafficking work, "
        "more powerfully promoting the effective implementation of the six country, regional "
        "Memorandum of Understanding"
    )
    assert lijiang.objectives.endswith("and the Sub-Regional Plan of Action.")
    assert "Criminal Law, Labour Law, Public Order Regulations and other laws" in lijiang.narrative
    assert "from the grassroots to national level everyone must make a concerted effort" in (
        lijiang.narrative
    )
    assert lijiang.narrative.endswith(
        "Those who attended the training thoroughly approved of the training methods and made "
        "positive suggestions on the content of the training."
    )


@pytest.mark.django_db
def test_demo_workshop_has_its_place_objectives_and_narrative_in_chinese(lijiang):
    assert (
        lijiang.title_local,
        lijiang.venue_local,
        lijiang.city_local,
        lijiang.region_local,
        lijiang.country_local,
    ) == ("全国反拐培训班", "丽江官房大酒店", "丽江", "云南省", "中国")
    assert lijiang.objectives_local == (
        "进一步提高从事反拐工作人员的能力，更有力地推动六国区域《谅解备忘录》（COMMIT MoU）"
        "和《次区域行动计划》的有效实施。"
    )
    # Two paragraphs, as in the English summary, the second its closing sentence.
    paragraphs = lijiang.narrative_local.split("\n\n")
    assert len(paragraphs) == len(lijiang.narrative.split("\n\n")) == 2
    assert "《刑法》《劳动法》、治安管理法规以及其他法律法规" in paragraphs[0]
    assert "“拐卖定义”纳入中国法律" in paragraphs[0]
    assert "从基层到国家层面，人人都必须齐心协力。" in paragraphs[0]
    assert paragraphs[1] == "参加培训的人员充分肯定了培训方法，并对培训内容提出了积极的建议。"


@pytest.mark.django_db
def test_demo_hosts_and_partners_are_named_in_the_summarys_order(lijiang):
    assert agency_names(lijiang, Role.HOST) == [NWCCW, MPS]
    assert agency_names(lijiang, Role.PARTNER) == ["UNIAP China Office", IOM]
    hosts = Agency.objects.filter(name__in=[NWCCW, MPS]).order_by("name")
    assert [(a.name_local, a.acronym) for a in hosts] == [
        ("公安部", "MPS"),
        ("国务院妇女儿童工作委员会", "NWCCW"),
    ]


@pytest.mark.django_db
def test_demo_attending_bodies_are_the_ministries_and_six_provinces(lijiang):
    attending = agency_names(lijiang, Role.ATTENDING)
    assert attending[:5] == [
        NWCCW,
        MPS,
        "Ministry of Foreign Affairs",
        "Central Committee for Comprehensive Management of Public Security",
        "Communist Youth League Central Committee",
    ]
    provincial = Agency.objects.filter(
        workshop_roles__workshop=lijiang,
        workshop_roles__role=Role.ATTENDING,
        level=Agency.Level.PROVINCIAL,
    ).order_by("workshop_roles__order")
    assert [a.region for a in provincial] == PROVINCES
    assert not Agency.objects.filter(Q(name__icontains="gilin") | Q(region__icontains="gilin"))

    also_sent = lijiang.agency_roles.filter(note="also sent personnel to attend")
    assert sorted(also_sent.values_list("agency__name", flat=True)) == [
        "International Organization for Migration China Liaison Office",
        "UNIAP China Office",
    ]
    liaison = Agency.objects.get(name__endswith="China Liaison Office")
    assert liaison.parent.name == IOM


@pytest.mark.django_db
def test_demo_trainers_have_the_summarys_titles_and_agencies(lijiang):
    trainers = (
        Trainer.objects.filter(sessions__workshop=lijiang).distinct().select_related("agency")
    )
    found = sorted((t.name, t.name_local, t.honorific, t.position, t.agency.name) for t in trainers)
    assert found == sorted(TRAINERS)

    huang = Trainer.objects.get(name="Huang TaiYun")
    chain = [huang.agency.name, huang.agency.parent.name, huang.agency.parent.parent.name]
    assert chain == [
        CRIMINAL_LEGISLATION,
        "Legislative Affairs Commission of the National People's Congress",
        "National People's Congress",
    ]
    assert huang.agency.parent.parent.parent is None
    mi = Trainer.objects.get(name="Mi XiaoXiong")
    assert mi.agency.parent.name == "Chinese Academy of Social Sciences"


@pytest.mark.django_db
def test_demo_topics_are_the_summarys_four(lijiang):
    topics = Topic.objects.filter(sessions__workshop=lijiang).distinct()
    assert sorted(topics.values_list("name", "name_local")) == [
        ("International and national definitions of trafficking", "拐卖人口的国际与国内定义"),
        ("Prevention", "预防"),
        ("Prosecution of traffickers", "起诉拐卖犯罪分子"),
        ("Protection and legal assistance for victims", "受害者保护与法律援助"),
    ]


# --- Sample data ----------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_timetable_fills_the_six_days_without_clashes(lijiang):
    sessions = list(lijiang.sessions.select_related("room").prefetch_related("trainers"))

    assert len(sessions) == 23
    for session in sessions:
        assert outside_workshop_dates(lijiang, session.starts_at, session.ends_at) == ""
        assert session.uid.startswith("lijiang-2007-day")
        assert session.uid.endswith("@workshops.demo")
    local = [(s.title, s.starts_at.astimezone(lijiang.tz)) for s in sessions]
    assert local[0] == ("Opening ceremony", local[0][1].replace(2007, 8, 26, 9, 0))
    assert local[-1][0] == "Evaluation and closing ceremony"
    assert local[-1][1].date() == date(2007, 8, 31)
    assert {when.date() for _, when in local} == set(lijiang.days)
    assert Counter(s.kind for s in sessions) == {
        "lecture": 8,
        "group_work": 6,
        "discussion": 3,
        "case_study": 3,
        "ceremony": 2,
        "field_visit": 1,
    }
    assert all(time(8, 30) <= when.time() <= time(16, 0) for _, when in local)
    assert clashes_by_workshop([lijiang]) == {}


@pytest.mark.django_db
def test_demo_participants_are_sample_people_named_in_both_scripts(lijiang):
    people = list(lijiang.registrations.select_related("participant"))

    assert len(people) == 62
    assert all(person.participant.is_sample for person in people)
    assert {person.participant.email for person in people} == {
        f"p{n:02d}@example.org" for n in range(1, 63)
    }
    for person in people:
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", person.name), person.name
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", person.name_local), person.name_local
        assert person.position
        assert person.region
    assert len({person.name for person in people}) == 62
    genders = Counter(person.gender for person in people)
    assert set(genders) == {"female", "male"}
    assert min(genders.values()) >= 15
    attending = set(
        lijiang.agency_roles.filter(role=Role.ATTENDING).values_list("agency_id", flat=True)
    )
    assert {person.agency_id for person in people} == attending


@pytest.mark.django_db
def test_demo_registrations_fill_the_capacity_exactly(lijiang):
    statuses = Counter(lijiang.registrations.values_list("status", flat=True))
    assert statuses == {"confirmed": 60, "cancelled": 1, "waitlisted": 1}
    assert statuses["confirmed"] == lijiang.capacity
    assert set(lijiang.registrations.values_list("source", flat=True)) == {"demo"}
    waiting = lijiang.registrations.get(status="waitlisted")
    assert waiting.waitlisted_at is not None
    assert waiting.created_at.year == 2007


@pytest.mark.django_db
def test_demo_attendance_covers_each_confirmed_persons_sessions(lijiang):
    per_registration = Counter(
        Attendance.objects.filter(session__workshop=lijiang).values_list(
            "registration__status", "registration_id"
        )
    )
    # 23 sessions, less the parallel groups one is not in: one of two, two of three.
    assert set(per_registration.values()) == {20}
    assert {status for status, _ in per_registration} == {"confirmed"}
    assert len(per_registration) == 60
    statuses = Counter(
        Attendance.objects.filter(session__workshop=lijiang).values_list("status", flat=True)
    )
    assert set(statuses) == {"present", "late", "excused", "absent"}
    assert statuses["present"] / sum(statuses.values()) > 0.85
    record = Attendance.objects.select_related("session", "recorded_by").first()
    assert record.recorded_by.username == "organiser"
    assert record.recorded_at == record.session.ends_at


@pytest.mark.django_db
def test_demo_evaluation_is_anonymous_and_approves_the_methods(lijiang):
    evaluation = lijiang.questionnaires.get(kind=Questionnaire.Kind.EVALUATION)
    responses = evaluation.responses.all()

    assert evaluation.is_anonymous
    assert not responses.filter(registration__isnull=False).exists()
    assert responses.count() == evaluation.submissions.count() == 52
    trainer_questions = evaluation.questions.filter(trainer__isnull=False)
    assert sorted(trainer_questions.values_list("trainer__name", flat=True)) == sorted(
        name for name, *_ in TRAINERS
    )
    required = evaluation.questions.filter(required=True).count()
    answered = responses.annotate(n=Count("answers", filter=~Q(answers__question__kind="text")))
    assert set(answered.values_list("n", flat=True)) == {required}
    methods = Answer.objects.filter(
        question__questionnaire=evaluation, question__text__contains="training methods"
    ).aggregate(average=Avg("rating"))["average"]
    assert methods > 4.3
    assert Answer.objects.filter(question__questionnaire=evaluation, question__kind="text")


@pytest.mark.django_db
def test_demo_knowledge_tests_show_what_the_workshop_taught(lijiang):
    pre = lijiang.questionnaires.get(kind=Questionnaire.Kind.PRE_TEST)
    post = lijiang.questionnaires.get(kind=Questionnaire.Kind.POST_TEST)

    assert post.pre_test == pre
    assert not pre.is_anonymous
    assert not post.is_anonymous
    for test in (pre, post):
        assert not test.responses.filter(registration__isnull=True).exists()
        assert test.responses.count() == test.submissions.count() == 56
        correct_per_question = Question.objects.filter(questionnaire=test).annotate(
            n=Count("choices", filter=Q(choices__is_correct=True))
        )
        assert set(correct_per_question.values_list("n", flat=True)) == {1}

    def score(test):
        answers = Answer.objects.filter(response__questionnaire=test)
        return answers.filter(choice__is_correct=True).count() / answers.count()

    assert score(pre) < 0.55
    assert score(post) > score(pre) + 0.2


@pytest.mark.django_db
def test_load_demo_command_refuses_with_debug_off_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off: this may be a server others can reach"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()

    call_command("load_demo", "--i-know-this-is-public", stdout=io.StringIO())
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["admin", "Admin"])  # account names are unique in any case
def test_load_demo_never_touches_an_account_it_did_not_create(settings, name):
    settings.DEBUG = True
    admin = get_user_model().objects.create_user(
        name, "ops@ministry.example", "a long private passphrase"
    )
    before = admin.password

    with pytest.raises(CommandError, match=f"An account named '{name}' exists and was not created"):
        call_command("load_demo", stdout=io.StringIO())

    admin.refresh_from_db()
    assert admin.password == before
    assert (admin.is_staff, admin.is_superuser, admin.email) == (
        False,
        False,
        "ops@ministry.example",
    )
    assert not Workshop.objects.exists()


@pytest.mark.django_db
def test_fresh_demo_passes_check_registrations(loaded_demo):
    # The session's demo: the rows of a fresh load_demo (tests/demo_snapshot.py).
    out = io.StringIO()

    call_command("check_registrations", stdout=out)  # raises CommandError on a violation

    assert "violation" not in out.getvalue()
