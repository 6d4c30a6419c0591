"""The organisers' dashboard: the figures, the grouping by date, what needs doing, the cost."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from events.models import Room, Session, Trainer, Workshop
from feedback.models import Questionnaire, Response
from participants.models import Attendance
from reports import statistics
from tests import factories
from tests.conftest import at


@pytest.fixture
def held(workshop, make_session):
    """The Lijiang workshop, over: 4 confirmed of 30, 1 waiting, 2 to approve.

    Registers were taken at two sessions: 6 of the 8 seats filled (present or late), so
    attendance is 75%. A third session has no register yet and a cancelled one never took
    place: neither counts. One confirmed and one anonymous person answered the evaluation
    (2 of 4, 50%); the knowledge test's answers are not feedback.
    """
    confirmed = [
        factories.registration(workshop, f"Person{n}", status="confirmed") for n in range(4)
    ]
    factories.registration(workshop, "Waiting", status="waitlisted")
    factories.registration(workshop, "PendingA", status="pending")
    factories.registration(workshop, "PendingB", status="pending")
    cancelled = factories.registration(workshop, "Gone", status="cancelled")
    first = make_session(workshop, title="First", starts_at=at(27, 9), ends_at=at(27, 10))
    second = make_session(workshop, title="Second", starts_at=at(28, 9), ends_at=at(28, 10))
    make_session(workshop, title="Unrecorded", starts_at=at(29, 9), ends_at=at(29, 10))
    dropped = make_session(
        workshop,
        title="Dropped",
        starts_at=at(30, 9),
        ends_at=at(30, 10),
        status=Session.Status.CANCELLED,
    )
    marks = {
        first: ["present", "present", "late", "absent"],
        second: ["present", "excused", "present", "present"],
    }
    for session, statuses in marks.items():
        for registration, status in zip(confirmed, statuses, strict=True):
            Attendance.objects.create(registration=registration, session=session, status=status)
    # Neither a cancelled registration's nor a cancelled session's marks count.
    Attendance.objects.create(registration=cancelled, session=first, status="present")
    Attendance.objects.create(registration=confirmed[0], session=dropped, status="present")

    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    Response.objects.create(
        questionnaire=evaluation, registration=confirmed[0], submitted_on=date(2007, 8, 31)
    )
    Response.objects.create(questionnaire=evaluation, submitted_on=date(2007, 8, 31))
    test = Questionnaire.objects.create(
        workshop=workshop, title="Test", kind=Questionnaire.Kind.PRE_TEST, is_anonymous=False
    )
    Response.objects.create(
        questionnaire=test, registration=confirmed[1], submitted_on=date(2007, 8, 26)
    )
    return workshop


@pytest.mark.django_db
def test_figures_are_counted_in_the_database(held, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = statistics.workshop_figures(held, now=datetime(2007, 9, 1, tzinfo=UTC))
    assert (figures.confirmed, figures.waitlisted, figures.pending) == (4, 1, 2)
    assert figures.scheduled_sessions == 3
    assert figures.registered_sessions == 2
    assert figures.attended == 6
    assert figures.attendance_rate == pytest.approx(0.75)
    assert (figures.evaluations, figures.evaluation_responses) == (1, 2)
    assert figures.response_rate == pytest.approx(0.5)


@pytest.mark.django_db
def test_figures_have_no_rates_before_anything_happened(workshop):
    figures = statistics.workshop_figures(workshop, now=datetime(2007, 8, 1, tzinfo=UTC))
    assert (figures.confirmed, figures.attendance_rate, figures.response_rate) == (0, None, None)


@pytest.mark.django_db
def test_figures_count_only_sessions_already_started(held):
    # On the morning of the 28th (Lijiang), the second session has not begun.
    figures = statistics.workshop_figures(held, now=at(28, 8))
    assert (figures.registered_sessions, figures.attended) == (1, 3)
    assert figures.attendance_rate == pytest.approx(0.75)


@pytest.mark.django_db
def test_dashboard_page_shows_the_figures(client, organiser, held):
    client.force_login(organiser)
    html = client.get(reverse("reports:dashboard")).content.decode()
    row = html.split('data-workshop="national-anti-trafficking-workshop-2007"')[1].split("</tr>")[0]
    assert "4 of 30" in row
    assert '<td class="num" data-figure="waitlisted">1</td>' in row
    assert '<td class="num" data-figure="pending">2</td>' in row
    assert '<td class="num" data-figure="attendance">75%</td>' in row
    assert '<td class="num" data-figure="feedback">50%</td>' in row
    assert '<h2 id="past-heading">Past</h2>' in html


def test_dashboard_rows_carry_the_figures_beside_the_workshop(organiser, held, workshop):
    # A DashboardRow each (the workshop, its figures, its clashes and things to do), not
    # attributes glued onto the Workshop instances.
    board = statistics.dashboard(Workshop.objects.organised_by(organiser), now=at(15, 12, month=9))
    (row,) = board.past
    assert row.workshop == workshop
    assert (row.figures.confirmed, row.figures.waitlisted, row.figures.pending) == (4, 1, 2)
    assert (row.clashes, row.is_unpublished_draft, row.todo_count) == ([], False, 0)
    assert not any(hasattr(row.workshop, name) for name in ("figures", "clashes", "todo_count"))


@pytest.mark.django_db
def test_dashboard_groups_by_today_where_each_workshop_happens(make_workshop, organiser):
    now = datetime(2007, 8, 25, 12, tzinfo=UTC)
    places = [
        # 26 August has begun on Kiritimati (UTC+14) while it is noon on the 25th in London.
        ("Kiritimati", "Pacific/Kiritimati", 26, 27),
        # ... and 25 August is still going in Honolulu (UTC-10) at that moment, at 02:00.
        ("Honolulu", "Pacific/Honolulu", 20, 25),
        ("London", "Europe/London", 26, 27),
        ("Berlin", "Europe/Berlin", 1, 24),
    ]
    for title, zone, first_day, last_day in places:
        make_workshop(
            title=title,
            slug=title.lower(),
            start_date=date(2007, 8, first_day),
            end_date=date(2007, 8, last_day),
            timezone=zone,
        ).organisers.add(organiser)
    board = statistics.dashboard(Workshop.objects.organised_by(organiser), now=now)
    assert [r.workshop.title for r in board.running] == ["Honolulu", "Kiritimati"]
    assert [r.workshop.title for r in board.upcoming] == [
        "London",
        "National Anti-Trafficking Workshop",
    ]
    assert [r.workshop.title for r in board.past] == ["Berlin"]


@pytest.mark.django_db
def test_dashboard_lists_what_needs_doing(client, organiser, make_workshop, make_session):
    start = date.today() + timedelta(days=30)
    tz = "Asia/Shanghai"
    first = make_workshop(
        title="Kunming Workshop",
        slug="kunming",
        start_date=start,
        end_date=start + timedelta(days=2),
        timezone=tz,
    )
    second = make_workshop(
        title="Nanning Workshop",
        slug="nanning",
        start_date=start,
        end_date=start + timedelta(days=2),
        timezone=tz,
        status=Workshop.Status.DRAFT,
    )
    for w in (first, second):
        w.organisers.add(organiser)
    huang = Trainer.objects.create(name="Huang TaiYun")
    zone = first.tz
    nine = datetime.combine(start, datetime.min.time(), tzinfo=zone) + timedelta(hours=9)
    # The same trainer in both workshops at once: listed under each.
    make_session(
        first,
        title="Legislation",
        starts_at=nine,
        ends_at=nine + timedelta(hours=1),
        trainers=[huang],
    )
    make_session(
        second,
        title="Law review",
        starts_at=nine + timedelta(minutes=30),
        ends_at=nine + timedelta(hours=2),
        trainers=[huang],
    )
    # A taught session without a trainer counts; a break does not.
    make_session(
        first,
        title="Case study",
        kind=Session.Kind.CASE_STUDY,
        starts_at=nine + timedelta(hours=2),
        ends_at=nine + timedelta(hours=3),
        room=Room.objects.create(name="Hall"),
    )
    make_session(
        first,
        title="Tea",
        kind=Session.Kind.BREAK,
        starts_at=nine + timedelta(hours=1),
        ends_at=nine + timedelta(hours=2),
    )
    factories.registration(first, "Pending", status="pending")

    client.force_login(organiser)
    html = client.get(reverse("reports:dashboard")).content.decode()
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    kunming, nanning = todo.split("<h3>")[1:]
    assert "Kunming Workshop" in kunming
    assert "1 registration to approve" in kunming
    assert "?status=pending" in kunming
    assert "1 session without a trainer" in kunming
    assert "1 clash in the timetable" in kunming
    assert "Legislation: Huang TaiYun also teaches “Law review” (Nanning Workshop" in kunming
    assert "Nanning Workshop" in nanning
    assert "Still a draft: publish it to open registration." in nanning
    assert "Law review: Huang TaiYun also teaches “Legislation” (Kunming Workshop" in nanning


@pytest.mark.django_db
def test_dashboard_shows_only_the_organisers_workshops(client, other_organiser, workshop):
    client.force_login(other_organiser)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "Another Workshop" in html
    assert "National Anti-Trafficking Workshop" not in html


@pytest.mark.django_db
def test_dashboard_answers_404_to_a_funder_and_sends_strangers_to_sign_in(client, funder, workshop):
    assert client.get(reverse("reports:dashboard")).status_code == 302
    client.force_login(funder)
    assert client.get(reverse("reports:dashboard")).status_code == 404


@pytest.mark.django_db
def test_dashboard_speaks_simplified_chinese(client, organiser, held):
    client.force_login(organiser)
    html = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "您的培训班" in html
    assert "需要处理的事项" in html


@pytest.fixture(params=["small", "large"])
def sized(request, db, organiser):
    from tests.events.organiser_support import build_workshop

    sessions, participants = (3, 30) if request.param == "small" else (300, 3000)
    today = date.today()
    # One upcoming (its clashes are checked) and one past, each of that size.
    build_workshop(
        sessions=sessions,
        participants=participants,
        organiser=organiser,
        start_date=today + timedelta(days=20),
        title="Upcoming Workshop",
    )
    build_workshop(
        sessions=sessions,
        participants=participants,
        organiser=organiser,
        start_date=today - timedelta(days=60),
        title="Past Workshop",
    )
    return request.param


@pytest.mark.django_db
def test_dashboard_query_count_is_the_same_for_3_and_300_sessions(
    client, organiser, sized, django_assert_num_queries
):
    client.force_login(organiser)
    url = reverse("reports:dashboard")
    # The session and its user; whether the user organises anything; the workshops with
    # every figure; the clashes' version (the upcoming workshop's timetable) and the cache
    # (empty); the clashing pairs (none); the cache's write: its size, a savepoint, the key,
    # the insert, the savepoint's release.
    with django_assert_num_queries(12):
        response = client.get(url)
    # Again, the timetables unchanged: the clashes come from the cache.
    with django_assert_num_queries(6):
        again = client.get(url)
    assert again.content.split(b"<main")[1] == response.content.split(b"<main")[1]
    html = response.content.decode()
    row = html.split('data-workshop="past-workshop-')[1].split("</tr>")[0]
    # 8 in 10 confirmed; every fifth of them absent at the 2 registered sessions (5 of 24
    # or 480 of 2400); a tenth of them, rounded down, answered (2 of 24, 240 of 2400).
    expected = {"small": ("24 of 30", "79%", "8%"), "large": ("2400 of 3000", "80%", "10%")}
    registered, attendance, feedback = expected[sized]
    assert registered in row
    assert f'data-figure="attendance">{attendance}<' in row
    assert f'data-figure="feedback">{feedback}<' in row


@pytest.mark.django_db
def test_dashboard_clashes_follow_the_timetable_despite_the_cache(
    client, organiser, make_workshop, make_session
):
    start = date.today() + timedelta(days=10)
    upcoming = make_workshop(title="Kunming Workshop", slug="kunming", start_date=start,
                             end_date=start + timedelta(days=1))  # fmt: skip
    upcoming.organisers.add(organiser)
    huang = Trainer.objects.create(name="Huang TaiYun")
    nine = datetime.combine(start, datetime.min.time(), tzinfo=upcoming.tz) + timedelta(hours=9)
    make_session(upcoming, title="One", starts_at=nine, ends_at=nine + timedelta(hours=1),
                 trainers=[huang])  # fmt: skip
    late = make_session(upcoming, title="Two", starts_at=nine + timedelta(hours=2),
                        ends_at=nine + timedelta(hours=3), trainers=[huang])  # fmt: skip
    client.force_login(organiser)
    url = reverse("reports:dashboard")
    assert "clash in the timetable" not in client.get(url).content.decode()

    late.starts_at = nine + timedelta(minutes=30)
    late.save()
    assert "1 clash in the timetable" in client.get(url).content.decode()

    huang.name = "Huang Taiyun"
    huang.save()
    assert "One: Huang Taiyun also teaches “Two”" in client.get(url).content.decode()

    # A workshop someone else organises books him too: busy, but not where or for what.
    other = make_workshop(title="Dali Workshop", slug="dali", start_date=start,
                          end_date=start + timedelta(days=1))  # fmt: skip
    make_session(other, title="Dali lecture", starts_at=nine + timedelta(hours=5),
                 ends_at=nine + timedelta(hours=6), trainers=[huang])  # fmt: skip
    late.starts_at = nine + timedelta(hours=5)
    late.ends_at = nine + timedelta(hours=6)
    late.save()
    html = client.get(url).content.decode()
    assert "Two: Huang Taiyun is busy in another workshop at that time" in html
    assert "Dali" not in html


@pytest.mark.django_db
def test_figures_count_a_session_begun_where_the_day_comes_first(make_workshop, make_session):
    # Noon in London on 25 August is already 02:00 on the 26th on Kiritimati (UTC+14).
    now = datetime(2007, 8, 25, 12, tzinfo=UTC)
    kiritimati = make_workshop(
        title="Kiritimati", slug="kiritimati", start_date=date(2007, 8, 26),
        end_date=date(2007, 8, 27), timezone="Pacific/Kiritimati",
    )  # fmt: skip
    zone = kiritimati.tz
    early = make_session(
        kiritimati,
        starts_at=datetime(2007, 8, 26, 0, 30, tzinfo=zone),
        ends_at=datetime(2007, 8, 26, 1, 30, tzinfo=zone),
    )
    Attendance.objects.create(
        registration=factories.registration(kiritimati, "Early", status="confirmed"),
        session=early,
        status="present",
    )
    figures = statistics.workshop_figures(kiritimati, now=now)
    assert (figures.registered_sessions, figures.attended, figures.attendance_rate) == (1, 1, 1.0)


def test_dashboard_in_chinese_names_the_counts_as_counts(client, organiser, workshop):
    client.force_login(organiser)
    html = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<th scope="col">已报名人数</th>' in html
    assert '<th scope="col" class="num">候补人数</th>' in html
    assert "报名时间" not in html
    assert "候补名次" not in html
