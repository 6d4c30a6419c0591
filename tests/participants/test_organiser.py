"""The organisers' registrations pages: who may see them, the roster's counts and filters,
actions on one or many registrations, and a new personal link."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Agency
from participants.models import Participant, Registration
from tests import factories

Status = Registration.Status
Gender = Registration.Gender


def roster_url(workshop, name="registrations", **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": workshop.slug, **kwargs})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def mps(db):
    return Agency.objects.create(
        name="Ministry of Public Security", name_local="公安部", acronym="MPS"
    )


@pytest.fixture
def yunnan(db):
    return Agency.objects.create(
        name="Yunnan Women's Federation", name_local="云南省妇联", acronym="YWF", region="Yunnan"
    )


@pytest.fixture
def register(workshop):
    """Put a person straight into the workshop with the given status (no rules: set-up)."""
    counter = iter(range(1, 100_000))

    def add(name, status=Status.CONFIRMED, *, to=None, waited=0, **details):
        number = next(counter)
        details.setdefault("email", f"person{number}@example.org")
        now = timezone.now()
        return factories.registration(
            to or workshop,
            name,
            status=status,
            source=Registration.Source.PUBLIC,
            waitlisted_at=now + timedelta(minutes=waited) if status == Status.WAITLISTED else None,
            **details,
        )

    return add


def add_many(workshop, count: int, agency) -> None:
    """``count`` registrations in every status, bulk-created: set-up for the query counts."""
    now = timezone.now()
    statuses = list(Status)
    people = Participant.objects.bulk_create(
        Participant(email=f"bulk{n}@example.org") for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            participant=person,
            name=f"Person {n:04d}",
            name_local=f"人{n}",
            gender=Gender.FEMALE if n % 2 else Gender.MALE,
            agency=agency if n % 3 else None,
            agency_name="" if n % 3 else "Typed Agency",
            region=f"Region {n % 7}",
            status=statuses[n % len(statuses)],
            source=Registration.Source.IMPORT,
            nominated_by=agency if n % 2 else None,
            waitlisted_at=now + timedelta(seconds=n)
            if statuses[n % len(statuses)] == Status.WAITLISTED
            else None,
        )
        for n, person in enumerate(people)
    )


# --- Who may see the pages ----------------------------------------------------------------

GET_PAGES = [
    ("registrations", {}),
    ("registrations_export", {}),
    ("nominations_import", {}),
    ("nominations_template", {"fmt": "csv"}),
]


@pytest.mark.parametrize(("page", "kwargs"), GET_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("organiser", 200),
        ("superuser", 200),
        ("other_organiser", 404),
        ("funder", 404),
        ("stranger", 404),
        ("anonymous", 302),
        ("participant", 302),
    ],
)
def test_pages_answer_each_persona(
    request, client, workshop, participant_registration, make_user, page, kwargs, persona, expected
):
    if persona == "superuser":
        client.force_login(make_user("root", is_superuser=True, is_staff=True))
    elif persona == "stranger":
        client.force_login(make_user("stranger"))
    elif persona == "participant":
        # A participant holds only their personal link: no account, no way in here.
        client.get(f"/r/{participant_registration.token}/")
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = roster_url(workshop, page, **kwargs)

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if expected == 404:
        assert b"Li Mei" not in response.content
        assert b"li.mei@example.org" not in response.content


@pytest.mark.parametrize("persona", ["other_organiser", "funder", "anonymous"])
def test_actions_refused_to_others_change_nothing(
    request, client, workshop, participant_registration, register, persona, mailoutbox
):
    # A seat is free while someone waits: the offer to the waiting list would move them.
    waiting = register("Waiting", Status.WAITLISTED)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    token = participant_registration.token
    feed_token = participant_registration.feed_token

    bulk = client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": "cancel", "registration": [participant_registration.pk]},
    )
    new_link = client.post(
        roster_url(workshop, "registration_new_link", pk=participant_registration.pk)
    )
    promote = client.post(roster_url(workshop, "registrations_promote"))

    expected = 302 if persona == "anonymous" else 404
    assert (bulk.status_code, new_link.status_code, promote.status_code) == (expected,) * 3
    participant_registration.refresh_from_db()
    assert participant_registration.status == Status.CONFIRMED
    assert participant_registration.token == token
    assert participant_registration.feed_token == feed_token
    assert statuses(waiting) == ["waitlisted"]
    assert mailoutbox == []


def test_actions_answer_get_with_method_not_allowed(client, workshop, organiser):
    client.force_login(organiser)

    assert client.get(roster_url(workshop, "registrations_bulk")).status_code == 405
    assert client.get(roster_url(workshop, "registrations_promote")).status_code == 405


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


# --- Actions on one or many ----------------------------------------------------------------


def post_action(client, workshop, action, registrations, **extra):
    return client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": action, "registration": [r.pk for r in registrations], **extra},
        follow=True,
    )


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_bulk_approve_fills_seats_in_order_then_waitlists(
    client, workshop, organiser, register, django_capture_on_commit_callbacks
):
    workshop.capacity = 3
    workshop.requires_approval = True
    workshop.save()
    register("Already In")
    pending = [
        register(name, Status.PENDING, email=f"{name.lower()}@example.org")
        for name in ("Ana", "Bea", "Cai")
    ]
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, workshop, "approve", reversed(pending))

    # Two seats were left: the two who registered first take them, whatever the order posted.
    assert statuses(*pending) == ["confirmed", "confirmed", "waitlisted"]
    assert messages_of(response) == [
        "2 approved; 1 could not be approved (Cai): the workshop is full or people are "
        "waiting, so they joined the waiting list."
    ]
    # The services' e-mails went out, one to each person acted on.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "bea@example.org",
        "cai@example.org",
    ]
    assert response.redirect_chain[-1][0] == roster_url(workshop)


def test_bulk_approve_reports_refusals_by_reason(client, workshop, organiser, register):
    workshop.requires_approval = True
    workshop.capacity = 1
    workshop.save()
    pending = register("Pending Person", Status.PENDING)
    confirmed = register("Confirmed Person")
    waitlisted = register("Waiting Person", Status.WAITLISTED)
    client.force_login(organiser)

    response = post_action(client, workshop, "approve", [pending, confirmed, waitlisted])

    # The one seat is taken: the approved registration queues behind the one waiting.
    assert statuses(pending, confirmed, waitlisted) == ["waitlisted", "confirmed", "waitlisted"]
    assert messages_of(response) == [
        "1 could not be approved (Pending Person): the workshop is full or people are "
        "waiting, so they joined the waiting list; 1 could not be approved (Confirmed "
        "Person): they already are “Confirmed”; 1 could not be approved (Waiting Person): "
        "A registration that is “On the waiting list” cannot be approved."
    ]


def test_bulk_decline_frees_seat_for_the_waiting_list(client, workshop, organiser, register):
    workshop.capacity = 1
    workshop.save()
    seated = register("Seated")
    first = register("First Waiting", Status.WAITLISTED, waited=1)
    second = register("Second Waiting", Status.WAITLISTED, waited=2)
    client.force_login(organiser)

    response = post_action(client, workshop, "decline", [seated])

    assert statuses(seated, first, second) == ["declined", "confirmed", "waitlisted"]
    assert messages_of(response) == ["1 declined."]


def test_bulk_cancel_many(client, workshop, organiser, register):
    people = [register(f"Person {n}") for n in range(3)]
    gone = register("Gone", Status.CANCELLED)
    client.force_login(organiser)

    response = post_action(client, workshop, "cancel", [*people, gone])

    assert statuses(*people, gone) == ["cancelled"] * 4
    assert messages_of(response) == [
        "3 cancelled; 1 could not be cancelled (Gone): they already are “Cancelled”."
    ]


def test_bulk_waitlist_confirms_when_a_seat_is_free(client, workshop, organiser, register):
    workshop.requires_approval = True
    workshop.save()
    pending = register("Lucky", Status.PENDING)
    client.force_login(organiser)

    response = post_action(client, workshop, "waitlist", [pending])

    assert statuses(pending) == ["confirmed"]
    assert messages_of(response) == [
        "1 could not be moved to the waiting list (Lucky): a seat was free, so they were confirmed."
    ]


def test_bulk_ignores_other_workshops_registrations(
    client, workshop, organiser, register, make_workshop
):
    mine = register("Mine")
    theirs = register("Theirs", to=make_workshop(slug="theirs"))
    client.force_login(organiser)

    response = post_action(client, workshop, "cancel", [mine, theirs])

    assert statuses(mine, theirs) == ["cancelled", "confirmed"]
    assert messages_of(response) == ["1 cancelled."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "cancel"}, "Select at least one registration first."),
        (
            {"action": "explode", "registration": ["1"]},
            "Choose what to do with the selected registrations.",
        ),
        (
            {"action": "cancel", "registration": ["x", "999999"]},
            "Select at least one registration first.",
        ),
    ],
)
def test_bulk_without_a_choice_says_what_is_missing(client, workshop, organiser, data, message):
    client.force_login(organiser)

    response = client.post(roster_url(workshop, "registrations_bulk"), data, follow=True)

    assert messages_of(response) == [message]


def test_bulk_returns_to_the_filtered_roster(client, workshop, organiser, register):
    person = register("Filtered", Status.PENDING)
    client.force_login(organiser)

    response = client.post(
        roster_url(workshop, "registrations_bulk"),
        {"action": "decline", "registration": [person.pk], "filters": "status=pending&gender="},
    )

    assert response["Location"] == roster_url(workshop) + "?status=pending&gender="


def test_bulk_from_the_page_round_trip(client, workshop, organiser, register):
    """The roster's own form posts what the bulk view reads."""
    workshop.requires_approval = True
    workshop.save()
    person = register("Round Trip", Status.PENDING)
    client.force_login(organiser)
    page = client.get(roster_url(workshop), {"status": "pending"}).content.decode()

    form = re.search(r'<form method="post" action="([^"]+)" id="roster">', page)
    filters = re.search(r'name="filters" value="([^"]*)"', page).group(1)
    assert form.group(1) == roster_url(workshop, "registrations_bulk")
    assert f'name="registration" value="{person.pk}"' in page
    assert 'name="action" value="approve"' in page

    response = client.post(
        form.group(1), {"action": "approve", "registration": [person.pk], "filters": filters}
    )

    assert statuses(person) == ["confirmed"]
    assert response["Location"] == roster_url(workshop) + "?status=pending"


# --- Seats freed by a capacity raise ----------------------------------------------------------


@pytest.fixture
def raised(workshop, register):
    """Two seats, both taken, four waiting; then the capacity goes up to five. The queue is
    by the time each joined it, not by arrival: Dan (created last) joined first."""
    workshop.capacity = 2
    workshop.save()
    register("Ann")
    register("Bob")
    waiting = {
        "cat": register("Cat", Status.WAITLISTED, waited=2),
        "eve": register("Eve", Status.WAITLISTED, waited=3),
        "fay": register("Fay", Status.WAITLISTED, waited=4),
        "dan": register("Dan", Status.WAITLISTED, waited=1, preferred_language="zh-hans"),
    }
    workshop.capacity = 5
    workshop.save()
    return waiting


def free_seats_banner(response) -> str | None:
    found = re.search(r'<section[^>]*id="free-seats".*?</section>', response.content.decode(), re.S)
    return (
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()) if found else None
    )


def test_roster_offers_free_seats_to_the_waiting_list(client, workshop, organiser, raised):
    client.force_login(organiser)

    response = client.get(roster_url(workshop), {"status": "waitlisted"})

    assert free_seats_banner(response) == (
        "3 seats are free and 4 people are waiting "
        "The capacity was raised while people were on the waiting list. Offering the seats "
        "confirms the first 3 people on the list, in the order they joined it, and tells them "
        "by e-mail. Offer the free seats to the waiting list"
    )
    page = response.content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
                     r'name="csrfmiddlewaretoken"[^>]*>\s*<input type="hidden" name="filters" '
                     r'value="([^"]*)">', page)  # fmt: skip
    assert form.groups() == (roster_url(workshop, "registrations_promote"), "status=waitlisted")


def test_offering_free_seats_promotes_the_queue_in_order_and_tells_them(
    client, workshop, organiser, raised, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roster_url(workshop, "registrations_promote"),
            {"filters": "status=waitlisted"},
            follow=True,
        )

    assert statuses(raised["dan"], raised["cat"], raised["eve"], raised["fay"]) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert messages_of(response) == [
        "3 people moved from the waiting list to confirmed, in the order they joined it: "
        "Dan, Cat, Eve. They are told by e-mail if they have an address."
    ]
    assert response.redirect_chain[-1][0] == roster_url(workshop) + "?status=waitlisted"
    # Every seat taken now: nothing left to offer.
    assert free_seats_banner(response) is None
    assert response.context["counts"].confirmed == 5
    assert [r.waitlist_position for r in response.context["registrations"]] == [1]
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {r.participant.email for r in (raised["dan"], raised["cat"], raised["eve"])}
    assert sent[raised["cat"].participant.email].subject == (
        "A seat is yours: National Anti-Trafficking Workshop"
    )
    assert "you have moved from the waiting list to confirmed" in " ".join(
        sent[raised["cat"].participant.email].body.split()
    )
    # Each in their own language, with the sessions' invitation attached.
    assert sent[raised["dan"].participant.email].subject.startswith("您已获得座位")
    assert all("text/calendar" in str(m.message()) for m in sent.values())


def test_offering_more_seats_than_people_waiting(client, workshop, organiser, register):
    workshop.capacity = 10
    workshop.save()
    register("Ann")
    waiting = register("Cat", Status.WAITLISTED)
    client.force_login(organiser)

    banner = free_seats_banner(client.get(roster_url(workshop)))
    response = client.post(roster_url(workshop, "registrations_promote"), follow=True)

    assert banner.startswith(
        "9 seats are free and 1 person is waiting The capacity was raised while people were "
        "on the waiting list. Offering the seats confirms the first person on the list and "
        "tells them by e-mail."
    )
    assert statuses(waiting) == ["confirmed"]
    assert messages_of(response) == [
        "1 person moved from the waiting list to confirmed: Cat. They are told by e-mail if "
        "they have an address."
    ]
    assert free_seats_banner(response) is None


@pytest.mark.parametrize(
    "situation",
    ["nobody waits", "full with a queue", "workshop cancelled", "workshop completed"],
)
def test_no_free_seats_offer_when_there_is_nothing_to_do(
    client, workshop, organiser, register, situation, mailoutbox
):
    workshop.capacity = 2
    workshop.save()
    register("Ann")
    waiting = []
    if situation != "nobody waits":
        waiting.append(register("Cat", Status.WAITLISTED))
    if situation == "full with a queue":
        register("Bob")
    if situation.startswith("workshop"):
        workshop.status = situation.removeprefix("workshop ")
        workshop.save()
    client.force_login(organiser)

    response = client.get(roster_url(workshop))
    # A stale page (or a second click) changes nothing and says so.
    posted = client.post(roster_url(workshop, "registrations_promote"), follow=True)

    assert free_seats_banner(response) is None
    assert "Offer the free seats" not in response.content.decode()
    assert messages_of(posted) == ["No seat is free for the waiting list: nothing changed."]
    assert statuses(*waiting) == ["waitlisted"] * len(waiting)
    assert mailoutbox == []


def test_free_seats_offer_in_chinese(client, workshop, organiser, raised):
    client.force_login(organiser)

    response = client.get(roster_url(workshop), HTTP_ACCEPT_LANGUAGE="zh-hans")

    banner = free_seats_banner(response)
    assert banner.startswith("有 3 个空余名额，4 人正在候补")  # noqa: RUF001
    assert banner.endswith("将空余名额提供给候补名单")


# --- A new personal link ------------------------------------------------------------------


def test_new_link_replaces_the_token_and_mails_it(
    client, workshop, organiser, participant_registration, django_capture_on_commit_callbacks
):
    old = participant_registration.token
    client.force_login(organiser)

    old_feed = participant_registration.feed_token

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roster_url(workshop, "registration_new_link", pk=participant_registration.pk),
            {"filters": "status=confirmed"},
            follow=True,
        )

    participant_registration.refresh_from_db()
    new = participant_registration.token
    new_feed = participant_registration.feed_token
    assert new != old
    assert new_feed != old_feed
    assert len(new) >= 43
    assert len(new_feed) >= 43
    assert messages_of(response) == [
        "Li Mei has new personal links, sent to li.mei@example.org; the old personal page and "
        "calendar links no longer work."
    ]
    page = response.content.decode()
    assert new not in page
    assert new_feed not in page
    (sent,) = mail.outbox
    assert sent.to == ["li.mei@example.org"]
    assert f"/r/{new}/" in sent.body
    assert "Your calendar link has been replaced too" in " ".join(sent.body.split())
    assert response.redirect_chain[-1][0] == roster_url(workshop) + "?status=confirmed"
    client.logout()
    assert client.get(f"/r/{old}/").status_code == 404
    assert client.get(f"/feeds/people/{old_feed}.ics").status_code == 404
    personal = client.get(f"/r/{new}/")
    assert personal.status_code == 200
    # The new page shows the new calendar link, and that link answers.
    assert f"/feeds/people/{new_feed}.ics" in personal.content.decode()
    feed = client.get(f"/feeds/people/{new_feed}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"


def test_new_link_without_email_is_shown_to_the_organiser(client, workshop, organiser, register):
    registration = register("No Mail", email="")
    client.force_login(organiser)

    response = client.post(
        roster_url(workshop, "registration_new_link", pk=registration.pk), follow=True
    )

    registration.refresh_from_db()
    assert messages_of(response) == [
        "No Mail has new personal links; the old personal page and calendar links no longer "
        "work. They have no e-mail address, so give them the new page link yourself: "
        f"http://testserver/r/{registration.token}/"
    ]


def test_new_link_for_another_workshops_registration_is_404(
    client, workshop, organiser, register, make_workshop
):
    theirs = register("Theirs", to=make_workshop(slug="theirs"))
    token = theirs.token
    feed_token = theirs.feed_token
    client.force_login(organiser)

    response = client.post(roster_url(workshop, "registration_new_link", pk=theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.token == token
    assert theirs.feed_token == feed_token


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
