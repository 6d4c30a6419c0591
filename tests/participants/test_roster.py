"""The roster: its counts, its lists, its filters and what they cost."""

import html
import re
from datetime import UTC, datetime

import pytest

from events.models import Agency
from participants.models import Registration
from tests.participants.roster_support import (
    Gender,
    Status,
    add_many,
    roster_url,
)

# --- The roster ---------------------------------------------------------------------------


def test_roster_shows_counts_by_status_and_gender(client, workshop, organiser, register):
    workshop.capacity = 5
    workshop.save()
    register("Ana", gender=Gender.FEMALE)
    register("Bea", gender=Gender.FEMALE)
    register("Carl", gender=Gender.MALE)
    register("Dee", gender=Gender.UNDISCLOSED)
    register("Eve", Status.PENDING, gender=Gender.FEMALE)
    register("Fay", Status.WAITLISTED, gender=Gender.FEMALE)
    register("Gus", Status.WAITLISTED, gender=Gender.MALE, waited=1)
    register("Hal", Status.CANCELLED, gender=Gender.MALE)
    register("Ida", Status.DECLINED, gender=Gender.FEMALE)
    client.force_login(organiser)

    response = client.get(roster_url(workshop))

    page = response.content.decode()
    counts = dict(re.findall(r'data-count="(\w+)">([^<]*)<', page))
    assert counts["confirmed"] == "4 of 5 seats"
    assert (counts["pending"], counts["waitlisted"]) == ("1", "2")
    assert (counts["cancelled"], counts["declined"]) == ("1", "1")
    gender = re.search(r'data-count="gender">(.*?)</p>', page, re.S).group(1)
    assert " ".join(gender.split()) == (
        "Confirmed, by gender: Female 2 · Male 1 · Another gender 0 · Prefer not to say 1"
    )
    assert "9 registrations." in page


def test_roster_lists_each_registration_with_its_details(
    client, workshop, organiser, register, yunnan, mps
):
    registration = register(
        "Zhang Wei",
        Status.WAITLISTED,
        name_local="张伟",
        gender=Gender.MALE,
        agency=yunnan,
        position="Deputy Director",
        region="Yunnan",
        email="zhang.wei@example.cn",
    )
    registration.nominated_by = mps
    registration.source = Registration.Source.IMPORT
    registration.save()
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime(2007, 8, 1, 2, 30, tzinfo=UTC)
    )
    client.force_login(organiser)

    response = client.get(roster_url(workshop))

    row = re.search(
        rf'<tr id="registration-{registration.pk}">(.*?)</tr>', response.content.decode(), re.S
    ).group(1)
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        for cell in re.split(r"<td[^>]*>", row)[1:]
    ]
    assert cells[1:11] == [
        "Zhang Wei 张伟",
        "Male",
        "Yunnan Women's Federation (YWF) nominated by Ministry of Public Security (MPS)",
        "Deputy Director",
        "Yunnan",
        "zhang.wei@example.cn",
        "On the waiting list",
        "1",
        # In the workshop's time zone: Asia/Shanghai is UTC+8.
        "1 Aug 2007, 10:30",
        "Nominations import",
    ]


def test_roster_of_an_empty_workshop_says_so(client, workshop, organiser):
    client.force_login(organiser)

    response = client.get(roster_url(workshop))

    assert "Nobody has registered yet." in response.content.decode()
    assert response.context["counts"].total == 0


@pytest.fixture
def mixed_roster(workshop, register, mps, yunnan):
    return {
        "li": register(
            "Li Na",
            name_local="李娜",
            gender=Gender.FEMALE,
            agency=mps,
            region="Beijing",
            email="li.na@mps.example.cn",
        ),
        "wang": register(
            "Wang Jun",
            Status.PENDING,
            name_local="王军",
            gender=Gender.MALE,
            agency=yunnan,
            region="Yunnan",
        ),
        "chen": register(
            "Chen Hong",
            Status.WAITLISTED,
            name_local="陈红",
            gender=Gender.FEMALE,
            agency=yunnan,
            region="Yunnan",
        ),
        "zhao": register(
            "Zhao Gang",
            Status.WAITLISTED,
            gender=Gender.MALE,
            agency=mps,
            region="Guangxi",
            waited=5,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Li Na", "Wang Jun", "Chen Hong", "Zhao Gang"]),
        ({"status": "waitlisted"}, ["Chen Hong", "Zhao Gang"]),
        ({"gender": "female"}, ["Li Na", "Chen Hong"]),
        ({"region": "Yunnan"}, ["Wang Jun", "Chen Hong"]),
        ({"agency": "MPS"}, ["Li Na", "Zhao Gang"]),
        ({"agency": "MPS", "status": "confirmed"}, ["Li Na"]),
        ({"search": "王"}, ["Wang Jun"]),
        ({"search": "LI.NA@MPS"}, ["Li Na"]),
        ({"search": "  hong "}, ["Chen Hong"]),
        # A value the form does not offer is ignored, not an error page.
        ({"status": "bogus", "gender": "male"}, ["Wang Jun", "Zhao Gang"]),
    ],
)
def test_roster_filters(client, workshop, organiser, mixed_roster, mps, query, expected):
    if query.get("agency") == "MPS":
        query = query | {"agency": mps.pk}
    client.force_login(organiser)

    response = client.get(roster_url(workshop), query)

    assert [r.name for r in response.context["registrations"]] == expected


def test_roster_filter_keeps_waiting_list_positions(client, workshop, organiser, mixed_roster):
    client.force_login(organiser)

    response = client.get(roster_url(workshop), {"region": "Guangxi"})

    (zhao,) = response.context["registrations"]
    # Second in the queue, behind Chen Hong, whom this filter hides.
    assert zhao.waitlist_position == 2
    assert "1 registration matches the filters, of 4." in response.content.decode()


def test_roster_filter_choices_come_from_the_workshop(
    client, workshop, organiser, mixed_roster, register, make_workshop
):
    Agency.objects.create(name="Unrelated Agency")
    register("Elsewhere", to=make_workshop(slug="elsewhere"), region="Tibet")
    client.force_login(organiser)

    form = client.get(roster_url(workshop)).context["form"]

    assert [label for _value, label in form.fields["agency"].choices] == [
        "Any agency",
        "Ministry of Public Security (MPS)",
        "Yunnan Women's Federation (YWF)",
    ]
    assert [value for value, _label in form.fields["region"].choices] == [
        "",
        "Beijing",
        "Guangxi",
        "Yunnan",
    ]


@pytest.mark.parametrize("count", [10, 1000])
def test_roster_queries_do_not_grow_with_registrations(
    client, workshop, organiser, mps, count, django_assert_num_queries
):
    add_many(workshop, count, mps)
    # A fifth of them confirmed, a fifth waiting: seats are free, so the offer shows too.
    workshop.capacity = count
    workshop.save()
    client.force_login(organiser)

    # 1 session, 2 user, 3 workshop (organiser look-up), 4 agencies and 5 regions for the
    # filter choices, 6 counts (one aggregate, which the offer of free seats reads too),
    # 7 how many rows match (the pages), 8 one page of registrations with participant,
    # agency and nominating agency, 9 the waiting list in its order (the positions).
    with django_assert_num_queries(9):
        response = client.get(roster_url(workshop))

    assert response.context["offer"] == count // 5
    assert 'id="free-seats"' in response.content.decode()
    shown = min(count, 100)
    assert len(response.context["registrations"]) == shown
    assert response.content.decode().count('type="checkbox" name="registration"') == shown


def test_roster_pages_keep_the_filters_and_the_whole_lists_positions(
    client, workshop, organiser, mps
):
    add_many(workshop, 1000, mps)
    client.force_login(organiser)
    waiting = list(
        Registration.objects.filter(workshop=workshop).waiting().values_list("pk", flat=True)
    )

    first = client.get(roster_url(workshop), {"status": "waitlisted"})
    second = client.get(roster_url(workshop), {"status": "waitlisted", "page": 2})

    page = first.content.decode()
    assert "Page 1 of 2 (rows 1–100)" in page  # noqa: RUF001
    assert 'href="?status=waitlisted&amp;page=2"' in page
    assert "200 registrations match the filters, of 1000." in page
    rows = [*first.context["registrations"], *second.context["registrations"]]
    assert len(rows) == 200
    # Positions are those of the whole waiting list, whichever page shows the row.
    assert {r.pk: r.waitlist_position for r in rows} == {pk: n for n, pk in enumerate(waiting, 1)}


@pytest.mark.parametrize("count", [10, 1000])
def test_filtered_roster_queries_do_not_grow(
    client, workshop, organiser, mps, count, django_assert_num_queries
):
    add_many(workshop, count, mps)
    client.force_login(organiser)

    # The same nine: filters narrow the registrations' queries, they add none.
    with django_assert_num_queries(9):
        response = client.get(
            roster_url(workshop),
            {"status": "waitlisted", "agency": mps.pk, "gender": "female", "search": "person"},
        )

    rows = response.context["registrations"]
    assert rows
    assert {(r.status, r.agency_id, r.gender) for r in rows} == {("waitlisted", mps.pk, "female")}


def test_roster_in_chinese(client, workshop, organiser, register):
    register("Li Na", name_local="李娜", gender=Gender.FEMALE)
    client.force_login(organiser)

    response = client.get(roster_url(workshop), HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "1 / 30 个名额" in page
    assert "已确认人员按性别" in page
    assert (
        '<button type="submit" name="action" value="approve" class="primary">批准</button>' in page
    )
    assert '<th scope="col">候补名次</th>' in page
