"""No trainer and no room in two places at once: the clash functions."""

from datetime import timedelta

import pytest

from events.clashes import Candidate, clashes_by_workshop, find_clashes, find_clashes_of_many
from events.models import Room, Session
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    return Room.objects.create(name="Hall A", venue="Lijiang Guesthouse")


@pytest.fixture
def annex():
    return Room.objects.create(name="Annex", venue="Lijiang Guesthouse")


def workshop_clashes(workshop):
    """Every clash that involves a session of ``workshop``, each pair once."""
    return clashes_by_workshop([workshop]).get(workshop.pk, [])


def summary(clashes):
    return [(c.kind, c.session.title, c.other.title, str(c.resource)) for c in clashes]


def booked(title, start, end, room=None, *trainers, where="workshop", cancelled=False):
    """A session to book: times as ``at()`` arguments, the room and trainers (and the
    workshop, when not ``workshop``) named by their fixtures."""
    return (where, title, start, end, room, trainers, cancelled)


HUANG = "Huang TaiYun"
# (the sessions booked, the clashes of ``workshop``, of the workshop called ``elsewhere``)
TIMETABLES = {
    "finds_a_trainer_in_two_rooms_at_once": (
        [
            booked("Definitions", (27, 9), (27, 11), "hall", "huang"),
            booked("Legislation", (27, 10), (27, 12), "annex", "huang"),
        ],
        [("trainer", "Definitions", "Legislation", HUANG)],
        None,
    ),
    "finds_a_room_booked_twice_by_different_trainers": (
        [
            booked("Definitions", (27, 9), (27, 11), "hall", "huang"),
            booked("Prosecution", (27, 10, 30), (27, 12), "hall", "liang"),
        ],
        [("room", "Definitions", "Prosecution", "Hall A, Lijiang Guesthouse")],
        None,
    ),
    "finds_an_overnight_session_clashing_on_the_next_day": (
        [
            booked("Field visit", (27, 20), (28, 10), "hall", "huang"),
            booked("Morning lecture", (28, 9), (28, 11), "annex", "huang"),
            booked("Next day, same hour", (29, 9), (29, 11), "hall", "huang"),
        ],
        [("trainer", "Field visit", "Morning lecture", HUANG)],
        None,
    ),
    # Seen from the other workshop, its own session comes first.
    "finds_a_trainer_booked_in_another_workshop": (
        [
            booked("Definitions", (27, 9), (27, 11), "hall", "huang"),
            booked("Kunming lecture", (27, 10), (27, 11), "annex", "huang", where="elsewhere"),
        ],
        [("trainer", "Definitions", "Kunming lecture", HUANG)],
        [("trainer", "Kunming lecture", "Definitions", HUANG)],
    ),
    "ignores_clashes_between_other_workshops": (
        [
            booked("Session", (27, 9), (27, 11), None, "huang", where="first"),
            booked("Session", (27, 9), (27, 11), None, "huang", where="second"),
            booked("Session", (28, 9), (28, 11), None, "huang"),
        ],
        [],
        None,
    ),
    "finds_none_between_back_to_back_sessions": (
        [
            booked("First", (27, 9), (27, 10), "hall", "huang"),
            booked("Second", (27, 10), (27, 11), "hall", "huang"),
        ],
        [],
        None,
    ),
    "finds_none_with_cancelled_sessions": (
        [
            booked("Kept", (27, 9), (27, 11), "hall", "huang"),
            booked("Cancelled", (27, 9), (27, 11), "hall", "huang", cancelled=True),
            booked(
                "Cancelled too",
                (27, 9),
                (27, 11),
                "hall",
                "huang",
                where="elsewhere",
                cancelled=True,
            ),
        ],
        [],
        None,
    ),
}


def book(request, workshop, make_workshop, make_session, sessions) -> dict:
    """Book ``sessions`` (``booked`` rows); the workshops by name."""
    workshops = {"workshop": workshop}
    for where, title, start, end, room, trainers, cancelled in sessions:
        if where not in workshops:
            name = "Kunming Workshop" if where == "elsewhere" else where.title()
            workshops[where] = make_workshop(title=name, slug=where)
        make_session(
            workshops[where],
            title=title,
            starts_at=at(*start),
            ends_at=at(*end),
            room=room and request.getfixturevalue(room),
            trainers=[request.getfixturevalue(name) for name in trainers],
            status=Session.Status.CANCELLED if cancelled else Session.Status.SCHEDULED,
        )
    return workshops


@pytest.mark.parametrize(
    ("sessions", "clashes", "clashes_elsewhere"), TIMETABLES.values(), ids=TIMETABLES.keys()
)
def test_workshop_clashes(
    request, workshop, make_workshop, make_session, sessions, clashes, clashes_elsewhere
):
    workshops = book(request, workshop, make_workshop, make_session, sessions)
    assert summary(workshop_clashes(workshop)) == clashes
    if clashes_elsewhere is not None:
        assert summary(workshop_clashes(workshops["elsewhere"])) == clashes_elsewhere


@pytest.mark.parametrize("sessions", [t[0] for t in TIMETABLES.values()], ids=TIMETABLES.keys())
def test_the_overlap_rule_is_the_same_in_sql_and_in_python(
    request, workshop, make_workshop, make_session, sessions
):
    # The rule is spelt twice: in SQL for the saved timetable (clashes_by_workshop), in
    # Python for what a form, the admin or an import is about to save (find_clashes_of_many).
    # Each saved session of the workshop, checked as a candidate that replaces itself, finds
    # the pairs the database finds.
    book(request, workshop, make_workshop, make_session, sessions)

    def pairs(clashes):
        return {(frozenset({c.session.pk, c.other.pk}), c.kind, c.resource.pk) for c in clashes}

    saved = list(
        Session.objects.filter(workshop=workshop)
        .select_related("room")
        .prefetch_related("trainers")
    )
    candidates = [
        Candidate(
            s.starts_at, s.ends_at, s.room, tuple(s.trainers.all()), exclude=s, status=s.status
        )
        for s in saved
    ]
    in_python = set().union(*map(pairs, find_clashes_of_many(candidates)))
    assert in_python == pairs(workshop_clashes(workshop))


def test_workshop_clashes_lists_each_pair_once(workshop, make_session, huang, liang, hall):
    # Three overlapping sessions of one trainer: three pairs, none listed twice.
    for title, start in [("A", 9), ("B", 10), ("C", 11)]:
        make_session(workshop, title=title, starts_at=at(27, start), ends_at=at(27, 13),
                     trainers=[huang])  # fmt: skip
    assert summary(workshop_clashes(workshop)) == [
        ("trainer", "A", "B", "Huang TaiYun"),
        ("trainer", "A", "C", "Huang TaiYun"),
        ("trainer", "B", "C", "Huang TaiYun"),
    ]


def test_workshop_clashes_lists_each_shared_trainer_and_the_room(
    workshop, make_session, huang, liang, hall
):
    make_session(workshop, title="A", starts_at=at(27, 9), ends_at=at(27, 11),
                 room=hall, trainers=[huang, liang])  # fmt: skip
    make_session(workshop, title="B", starts_at=at(27, 10), ends_at=at(27, 12),
                 room=hall, trainers=[huang, liang])  # fmt: skip
    assert sorted(summary(workshop_clashes(workshop))) == [
        ("room", "A", "B", "Hall A, Lijiang Guesthouse"),
        ("trainer", "A", "B", "Huang TaiYun"),
        ("trainer", "A", "B", "Prof. Liang ShuYing"),
    ]


def test_workshop_clashes_of_an_empty_timetable_is_empty(workshop, django_assert_num_queries):
    with django_assert_num_queries(1):  # the workshop's sessions
        assert workshop_clashes(workshop) == []


@pytest.mark.parametrize("count", [3, 300])
def test_workshop_clashes_runs_a_fixed_number_of_queries(
    workshop, make_workshop, huang, liang, hall, annex, count, django_assert_num_queries
):
    elsewhere = make_workshop(title="Elsewhere", slug="elsewhere")
    Session.objects.create(
        workshop=elsewhere, title="Elsewhere", starts_at=at(26, 8, 30), ends_at=at(26, 9, 30)
    ).trainers.set([liang])
    # ``count`` sessions over the six days, two rooms, two trainers, some overlapping.
    sessions = Session.objects.bulk_create(
        Session(
            workshop=workshop,
            title=f"Session {n}",
            starts_at=at(26 + n % 6, 8 + n % 10),
            ends_at=at(26 + n % 6, 9 + n % 10),
            room=hall if n % 2 else annex,
        )
        for n in range(count)
    )
    Session.trainers.through.objects.bulk_create(
        Session.trainers.through(session=s, trainer=huang if n % 3 else liang)
        for n, s in enumerate(sessions)
    )
    # The clashing pairs, found in the database; the sessions involved with room and
    # workshop; the trainers they share.
    with django_assert_num_queries(3):
        clashes = workshop_clashes(workshop)
    assert ("trainer", "Elsewhere") in {(c.kind, c.other.title) for c in clashes}
    if count == 3:
        assert summary(clashes) == [("trainer", "Session 0", "Elsewhere", "Prof. Liang ShuYing")]


# find_clashes: what a form checks before it saves


def test_find_clashes_finds_trainer_and_room_clashes_of_unsaved_values(
    workshop, make_workshop, make_session, huang, liang, hall, annex
):
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    make_session(workshop, title="In the hall", starts_at=at(27, 9), ends_at=at(27, 11),
                 room=hall, trainers=[liang])  # fmt: skip
    make_session(elsewhere, title="Kunming lecture", starts_at=at(27, 10), ends_at=at(27, 11),
                 room=annex, trainers=[huang])  # fmt: skip
    clashes = find_clashes(
        starts_at=at(27, 10, 30), ends_at=at(27, 12), room=hall, trainers=[huang]
    )
    assert [(c.kind, c.other.title, str(c.resource)) for c in clashes] == [
        ("room", "In the hall", "Hall A, Lijiang Guesthouse"),
        ("trainer", "Kunming lecture", "Huang TaiYun"),
    ]


def test_find_clashes_excludes_the_session_being_edited(workshop, make_session, huang, hall):
    session = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 11), room=hall,
                           trainers=[huang])  # fmt: skip
    assert (
        find_clashes(
            starts_at=at(27, 9, 30),
            ends_at=at(27, 11, 30),
            room=hall,
            trainers=[huang],
            exclude=session,
        )
        == []
    )
    assert len(find_clashes(starts_at=at(27, 9, 30), ends_at=at(27, 11), room=hall)) == 1


def test_find_clashes_finds_none_back_to_back_or_with_cancelled_sessions(
    workshop, make_session, huang, hall
):
    make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10), room=hall, trainers=[huang])
    make_session(workshop, starts_at=at(27, 10), ends_at=at(27, 11), room=hall, trainers=[huang],
                 status=Session.Status.CANCELLED)  # fmt: skip
    assert find_clashes(starts_at=at(27, 10), ends_at=at(27, 11), room=hall, trainers=[huang]) == []
    # A cancelled session clashes with nothing, whatever it overlaps.
    assert (
        find_clashes(
            starts_at=at(27, 9),
            ends_at=at(27, 10),
            room=hall,
            trainers=[huang],
            status=Session.Status.CANCELLED,
        )
        == []
    )


def test_find_clashes_without_room_or_trainers_asks_nothing(
    workshop, make_session, django_assert_num_queries
):
    make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    with django_assert_num_queries(0):
        assert find_clashes(starts_at=at(27, 9), ends_at=at(27, 10)) == []


def test_clash_message_names_the_trainer_the_other_session_and_its_local_time(
    workshop, make_workshop, make_session, huang, hall
):
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming", timezone="Asia/Bangkok")
    make_session(elsewhere, title="Kunming lecture", starts_at=at(27, 10), ends_at=at(27, 11),
                 room=hall, trainers=[huang])  # fmt: skip
    room_clash, trainer_clash = sorted(
        find_clashes(starts_at=at(27, 10), ends_at=at(27, 12), room=hall, trainers=[huang]),
        key=lambda clash: clash.kind,
    )
    # 10:00 in Lijiang is 9 a.m. in Bangkok, the other workshop's time zone, named. For the
    # organisers of the first workshop: busy elsewhere, nothing more.
    assert room_clash.message(workshop) == (
        "Hall A, Lijiang Guesthouse is booked by another workshop at that time "
        "(Monday 27 August 2007, 09:00 Asia/Bangkok)."
    )
    assert trainer_clash.message(workshop) == (
        "Huang TaiYun is busy in another workshop at that time "
        "(Monday 27 August 2007, 09:00 Asia/Bangkok)."
    )
    # For the other workshop's own organisers: named in full, in their own zone.
    assert room_clash.message(elsewhere) == (
        "Hall A, Lijiang Guesthouse is also booked for “Kunming lecture” "
        "(Kunming Workshop, Monday 27 August 2007, 09:00)."
    )
    # For the admin: named in full, the zone too.
    assert room_clash.message(full=True) == (
        "Hall A, Lijiang Guesthouse is also booked for “Kunming lecture” "
        "(Kunming Workshop, Monday 27 August 2007, 09:00 Asia/Bangkok)."
    )
    assert trainer_clash.message(full=True) == (
        "Huang TaiYun also teaches “Kunming lecture” (Kunming Workshop, "
        "Monday 27 August 2007, 09:00 Asia/Bangkok)."
    )


# find_clashes_of_many: many candidates (an import's events) in a fixed number of queries


def test_find_clashes_of_many_answers_each_candidate_as_find_clashes_does(
    workshop, make_workshop, make_session, huang, liang, hall, annex
):
    elsewhere = make_workshop(title="Kunming Workshop", slug="kunming")
    in_hall = make_session(workshop, title="In the hall", starts_at=at(27, 9),
                           ends_at=at(27, 11), room=hall, trainers=[liang])  # fmt: skip
    make_session(elsewhere, title="Kunming lecture", starts_at=at(27, 10), ends_at=at(27, 11),
                 room=annex, trainers=[huang])  # fmt: skip
    make_session(workshop, title="Long field visit", starts_at=at(28, 8), ends_at=at(28, 18),
                 trainers=[huang])  # fmt: skip
    candidates = [
        Candidate(at(27, 10, 30), at(27, 12), room=hall, trainers=(huang,)),
        # Moving the hall's own session: it does not clash with itself.
        Candidate(at(27, 9, 30), at(27, 11, 30), room=hall, trainers=(liang,), exclude=in_hall),
        Candidate(at(27, 11), at(27, 12), room=hall, trainers=(huang, liang)),  # back to back
        Candidate(at(27, 10), at(27, 11), room=annex, status=Session.Status.CANCELLED),
        Candidate(at(27, 10), at(27, 11)),  # no room, no trainer
        # Late in a long session that started hours before.
        Candidate(at(28, 17), at(28, 17, 30), trainers=(huang,)),
    ]

    batch = find_clashes_of_many(candidates)

    assert [[(c.kind, c.other.title, str(c.resource)) for c in found] for found in batch] == [
        [
            ("room", "In the hall", "Hall A, Lijiang Guesthouse"),
            ("trainer", "Kunming lecture", "Huang TaiYun"),
        ],
        [],
        [],
        [],
        [],
        [("trainer", "Long field visit", "Huang TaiYun")],
    ]
    one_by_one = [
        find_clashes(
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            room=c.room,
            trainers=c.trainers,
            exclude=c.exclude,
            status=c.status,
        )
        for c in candidates
    ]
    assert [summary(found) for found in batch] == [summary(found) for found in one_by_one]
    assert batch[0][0].session.starts_at == at(27, 10, 30)


@pytest.mark.parametrize("count", [3, 300])
def test_find_clashes_of_many_runs_two_queries_for_any_number(
    workshop, make_session, huang, hall, count, django_assert_num_queries
):
    make_session(workshop, title="Booked", starts_at=at(27, 9), ends_at=at(27, 10), room=hall,
                 trainers=[huang])  # fmt: skip
    candidates = [
        Candidate(
            at(27, 9) + timedelta(minutes=15 * n),
            at(27, 9, 15) + timedelta(minutes=15 * n),
            room=hall,
            trainers=(huang,),
        )
        for n in range(count)
    ]

    # 1 the saved sessions overlapping the candidates' span that share a room or a trainer,
    # 2 their trainers.
    with django_assert_num_queries(2):
        batch = find_clashes_of_many(candidates)

    assert [len(found) for found in batch] == [2, 2, 2, 2, *[0] * (count - 4)][:count]


def test_find_clashes_of_many_without_room_or_trainers_asks_nothing(
    workshop, make_session, hall, django_assert_num_queries
):
    make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10), room=hall)
    with django_assert_num_queries(0):
        assert find_clashes_of_many(
            [
                Candidate(at(27, 9), at(27, 10)),
                Candidate(at(27, 9), at(27, 10), room=hall, status=Session.Status.CANCELLED),
            ]
        ) == [[], []]


def test_find_clashes_of_many_among_checks_one_change_as_a_whole(
    workshop, make_session, huang, hall, annex, django_assert_num_queries
):
    first = make_session(workshop, title="First", starts_at=at(27, 9), ends_at=at(27, 10),
                         room=hall, trainers=[huang])  # fmt: skip
    second = make_session(workshop, title="Second", starts_at=at(27, 10), ends_at=at(27, 11),
                          room=hall)  # fmt: skip
    gone = make_session(workshop, title="Gone", starts_at=at(27, 12), ends_at=at(27, 13),
                        room=annex)  # fmt: skip
    candidates = [
        # The two swap their times: each lands where the other was.
        Candidate(at(27, 10), at(27, 11), room=hall, trainers=(huang,), exclude=first),
        Candidate(at(27, 9), at(27, 10), room=hall, exclude=second),
        # Where a session being deleted was, and beside a new one with the same trainer.
        Candidate(at(27, 12), at(27, 13), room=annex, trainers=(huang,), title="New"),
        Candidate(at(27, 12, 30), at(27, 13, 30), trainers=(huang,), title="Newer"),
    ]

    # Alone, each swapped session clashes with the other's saved time.
    assert [len(found) for found in find_clashes_of_many(candidates[:2])] == [1, 1]
    # The saved sessions sharing a room or a trainer in the span, but those the change
    # replaces: none are left, so there are no trainers to read.
    with django_assert_num_queries(1):
        batch = find_clashes_of_many(candidates, among=True, workshop=workshop, replacing=[gone.pk])

    assert [[(c.kind, c.other.title) for c in found] for found in batch] == [
        [],
        [],
        [("trainer", "Newer")],
        [("trainer", "New")],
    ]
    assert batch[2][0].message(workshop) == (
        "Huang TaiYun also teaches “Newer” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 12:30)."
    )
