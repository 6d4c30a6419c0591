"""The attendance pages of ``participants.views.checkin``: the check-in screen and its marks
endpoint, the signed sheet's entry, the room's self check-in code and the participant's
side of self check-in."""

import json
import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Agency, Session
from participants import attendance
from participants.models import Attendance, Registration
from tests import factories
from tests.conftest import at


@pytest.fixture
def session(workshop, make_session):
    return make_session(workshop, title="Opening", title_local="开幕式")


@pytest.fixture
def people(workshop):
    ministry = Agency.objects.create(name="Ministry of Public Security", name_local="公安部")
    federation = Agency.objects.create(name="All-China Women's Federation")
    return [
        factories.registration(workshop, "Zhang Wei", name_local="张伟", agency=ministry),
        factories.registration(workshop, "Wang Fang", name_local="王芳", agency=federation),
        factories.registration(workshop, "Li Na", name_local="李娜", agency=ministry),
        factories.registration(
            workshop, "Chen Jie", agency_name="Lijiang Police", position="Officer"
        ),
    ]


@pytest.fixture
def organiser_client(organiser):
    client = Client()
    client.force_login(organiser)
    return client


def screen_url(session):
    return reverse("participants:checkin", args=[session.workshop.slug, session.pk])


def marks_url(session):
    return reverse("participants:checkin_marks", args=[session.workshop.slug, session.pk])


def post_marks(client, session, marks):
    return client.post(marks_url(session), json.dumps({"marks": marks}), "application/json")


def test_checkin_screen_lists_confirmed_people_by_agency_then_name(
    organiser_client, session, people, workshop
):
    factories.registration(workshop, "Waiting Person", status=Registration.Status.WAITLISTED)
    attendance.record_attendance(registration=people[0], session=session, status="late", by=None)
    page = organiser_client.get(screen_url(session)).content.decode()
    names = re.findall(r'data-name="([^"]+)"', page)
    # All-China Women's Federation, Lijiang Police (typed), Ministry: Li Na, Zhang Wei.
    assert names == ["Wang Fang", "Chen Jie", "Li Na", "Zhang Wei"]
    assert "Waiting Person" not in page
    assert 'data-search="Zhang Wei 张伟 Ministry of Public Security"' in page
    assert f'data-code="{attendance.checkin_code(people[0])}"' in page
    assert re.search(rf'data-registration="{people[0].pk}"[^>]*data-status="late"', page)
    assert '<span data-count="attended">1</span>' in page
    assert '<span data-count="total">4</span>' in page
    assert "<script>" not in page
    assert "style=" not in page


@pytest.mark.parametrize("url_name", ["checkin", "checkin_marks", "sheet_entry", "room_screen"])
def test_attendance_pages_are_not_found_for_other_organisers(other_organiser, session, url_name):
    client = Client()
    client.force_login(other_organiser)
    url = reverse(f"participants:{url_name}", args=[session.workshop.slug, session.pk])
    assert client.get(url).status_code == 404


def test_attendance_pages_send_strangers_to_sign_in(session):
    response = Client().get(screen_url(session))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("count", [10, 1000])
def test_checkin_screen_query_count_is_flat(
    organiser, session, workshop, django_assert_num_queries, count
):
    agency = Agency.objects.create(name="Ministry")
    factories.bulk_registrations(workshop, count, agency=agency)
    client = Client()
    client.force_login(organiser)
    # The session of the login, its user; the session with workshop and room (organised by
    # the user); the roster with each person's mark.
    with django_assert_num_queries(4):
        response = client.get(screen_url(session))
    assert response.content.decode().count("data-registration=") == count


def test_marks_are_applied_once_per_mark_id(organiser_client, session, people):
    first = {"id": "a1", "registration": people[0].pk, "status": "present"}
    answer = post_marks(organiser_client, session, [first]).json()
    assert answer["applied"] == ["a1"]
    assert answer["marks"] == {str(people[0].pk): "present"}
    undo = {"id": "a2", "registration": people[0].pk, "status": None}
    post_marks(organiser_client, session, [undo])
    # The first batch again (its answer was lost): nothing changes.
    again = post_marks(organiser_client, session, [first]).json()
    assert again["applied"] == ["a1"]
    assert again["marks"] == {}
    assert not Attendance.objects.exists()


def test_marks_refused_say_why(organiser_client, session, people, workshop, make_workshop):
    elsewhere = factories.registration(make_workshop(title="Other", slug="other"), "Stranger")
    waiting = factories.registration(workshop, "Waits", status=Registration.Status.WAITLISTED)
    answer = post_marks(
        organiser_client,
        session,
        [
            {"id": "x1", "registration": elsewhere.pk, "status": "present"},
            {"id": "x2", "registration": waiting.pk, "status": "present"},
            {"id": "x3", "registration": people[1].pk, "status": "sleeping"},
            {"id": "x4", "registration": people[1].pk, "status": "excused"},
        ],
    ).json()
    assert answer["applied"] == ["x4"]
    assert [(r["id"], r["field"]) for r in answer["refused"]] == [
        ("x1", "registration"),
        ("x2", "registration"),
        ("x3", "status"),
    ]
    assert "Only confirmed registrations" in answer["refused"][1]["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b'{"marks": "all"}',
        b'{"marks": [{"id": "", "registration": 1, "status": "present"}]}',
        b'{"marks": [{"id": "a\\u0000", "registration": 1, "status": "present"}]}',
        b'{"marks": [{"id": "a", "registration": "1", "status": "present"}]}',
        json.dumps(
            {"marks": [{"id": str(n), "registration": 1, "status": None} for n in range(201)]}
        ).encode(),
    ],
)
def test_unreadable_marks_are_a_clear_400(organiser_client, session, body):
    response = organiser_client.post(marks_url(session), body, "application/json")
    assert response.status_code == 400
    assert "send JSON with a list “marks”" in response.json()["error"]


def test_marks_endpoint_lists_the_marks(organiser_client, session, people):
    attendance.record_attendance(registration=people[2], session=session, status="absent", by=None)
    assert organiser_client.get(marks_url(session)).json() == {
        "marks": {str(people[2].pk): "absent"}
    }


def test_cancelled_session_refuses_marks(organiser_client, session, people):
    session.status = Session.Status.CANCELLED
    session.save()
    answer = post_marks(
        organiser_client, session, [{"id": "c", "registration": people[0].pk, "status": "present"}]
    ).json()
    assert answer["refused"][0]["field"] == "session"


def test_sheet_entry_marks_ticked_present_and_the_others_absent(organiser_client, session, people):
    attendance.record_attendance(registration=people[1], session=session, status="late", by=None)
    attendance.record_attendance(registration=people[3], session=session, status="excused", by=None)
    url = reverse("participants:sheet_entry", args=[session.workshop.slug, session.pk])
    page = organiser_client.get(url).content.decode()
    assert page.count('type="checkbox" name="present"') == 4
    response = organiser_client.post(
        url, {"present": [str(people[0].pk), str(people[1].pk)]}, follow=True
    )
    assert "The sheet is entered: 2 marks changed, 2 present." in response.content.decode()
    marks = dict(Attendance.objects.values_list("registration__name", "status"))
    assert marks == {
        "Zhang Wei": "present",
        "Wang Fang": "late",
        "Li Na": "absent",
        "Chen Jie": "excused",
    }


def test_checkin_pages_show_rows_of_their_own_not_marked_registrations(
    organiser_client, session, people
):
    # The screen's and the sheet's rows carry the mark, its label and the code beside the
    # registration (a CheckinRow), rather than attributes glued onto each Registration.
    attendance.record_attendance(registration=people[1], session=session, status="late", by=None)
    sheet = reverse("participants:sheet_entry", args=[session.workshop.slug, session.pk])
    for url in (screen_url(session), sheet):
        rows = organiser_client.get(url).context["rows"]
        assert [(r.registration.name, r.mark, r.mark_label) for r in rows] == [
            ("Wang Fang", "late", "Late"),
            ("Chen Jie", None, ""),
            ("Li Na", None, ""),
            ("Zhang Wei", None, ""),
        ]
        assert [r.code for r in rows] == [attendance.checkin_code(r.registration) for r in rows]
        assert not any(hasattr(r.registration, "checkin_code") for r in rows)


# Self check-in ------------------------------------------------------------------------


def test_room_screen_shows_a_refreshing_qr_code(organiser_client, session):
    url = reverse("participants:room_screen", args=[session.workshop.slug, session.pk])
    page = organiser_client.get(url).content.decode()
    qr_url = reverse("participants:room_screen_qr", args=[session.workshop.slug, session.pk])
    assert f'data-src="{qr_url}"' in page
    assert "room.js" in page
    svg = organiser_client.get(qr_url)
    assert svg["Content-Type"] == "image/svg+xml"
    assert "no-store" in svg["Cache-Control"]
    assert svg.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def self_checkin_url(session, code=None):
    return reverse(
        "participants:self_checkin",
        args=[session.pk, code or attendance.self_checkin_code(session)],
    )


def test_self_checkin_without_the_personal_link_asks_for_it(session):
    response = Client().get(self_checkin_url(session))
    assert response.status_code == 403
    assert "Open your personal link" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.fixture
def during_the_session(monkeypatch, session):
    """The clock at 09:10 on the session's day, for the rules (not for the codes' windows)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(27, 9, 10))


def test_self_checkin_after_opening_the_personal_link_marks_present(
    session, people, during_the_session
):
    client = Client()
    personal = reverse("participants:personal", args=[people[1].token])
    assert client.get(personal).status_code == 200
    response = client.get(self_checkin_url(session), follow=True)
    assert response.redirect_chain[-1][0] == personal
    assert "You are checked in at “Opening”." in response.content.decode()
    record = Attendance.objects.get()
    assert (record.registration, record.status, record.recorded_by) == (people[1], "present", None)


def test_self_checkin_with_an_expired_code_is_refused(session, people, during_the_session):
    client = Client()
    client.get(reverse("participants:personal", args=[people[1].token]))
    old = attendance.self_checkin_code(session, at=time.time() - 300)
    response = client.get(self_checkin_url(session, old))
    assert response.status_code == 400
    assert "This check-in code has expired" in response.content.decode()
    assert not Attendance.objects.exists()


def test_personal_page_shows_the_checkin_code_and_its_qr(client, people):
    registration = people[0]
    page = client.get(reverse("participants:personal", args=[registration.token])).content
    code = attendance.format_code(attendance.checkin_code(registration))
    assert code.encode() in page
    qr = reverse("participants:personal_checkin_qr", args=[registration.token])
    assert qr.encode() in page
    svg = client.get(qr)
    assert svg["Content-Type"] == "image/svg+xml"


def test_checkin_screen_in_chinese(organiser_client, session, people):
    page = organiser_client.get(screen_url(session), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "签到：Opening" in text  # noqa: RUF001
    assert 'data-text-pending="离线或发送中：%(count)s条记录' in text  # noqa: RUF001
    assert "搜索（中英文姓名或单位）" in text  # noqa: RUF001
