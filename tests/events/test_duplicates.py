"""Duplicate trainers and agencies: the warning when creating one, merging two (what moves,
what is refused, who may), and mapping an agency typed on the public form to a known one."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.clashes import find_clashes
from events.duplicates import (
    MergeRefused,
    agencies_mergeable_by,
    merge_agencies,
    merge_trainers,
    name_key,
    near_duplicate_agencies,
    near_duplicate_trainers,
    trainers_mergeable_by,
)
from events.models import Agency, AgencyMember, Session, Trainer, Workshop, WorkshopAgency
from events.queries import timetable_version
from feedback.models import Question, Questionnaire
from participants.corrections import map_typed_agency, typed_agencies
from participants.models import Registration
from tests import factories
from tests.conftest import at

PASSWORD = "correct horse battery staple"


@pytest.fixture
def keep(organiser):
    return Trainer.objects.create(
        name="Liang Shuying", email="liang@example.org", created_by=organiser
    )


@pytest.fixture
def duplicate(organiser, workshop, make_session):
    trainer = Trainer.objects.create(
        name="liang  SHUYING", name_local="梁淑英", email="Liang@Example.org", created_by=organiser
    )
    make_session(
        workshop, title="Definitions", starts_at=at(27, 9), ends_at=at(27, 10), trainers=[trainer]
    )
    return trainer


# Finding -----------------------------------------------------------------------------------


def test_names_compare_without_case_spaces_or_width():
    assert name_key("Ministry of  Public Security") == name_key("ministry of public security")
    assert name_key("ＭＰＳ　Ｙｕｎｎａｎ") == name_key("mps yunnan")  # noqa: RUF001
    assert name_key("公安部") != name_key("公安厅")


def test_near_duplicate_trainers_by_email_or_name(db, keep):
    other = Trainer.objects.create(name="Zhang Min", email="LIANG@example.org")
    namesake = Trainer.objects.create(name="LIANG shuying")
    Trainer.objects.create(name="Liang Shu")

    found = near_duplicate_trainers(name="Liang  Shuying", email="", exclude=None)
    by_mail = near_duplicate_trainers(name="Someone", email="liang@EXAMPLE.org")

    # The database's collation orders the names: compare as sets.
    assert set(found) == {namesake, keep}
    assert set(by_mail) == {other, keep}


def test_creating_a_near_duplicate_trainer_asks_first(client, organiser, keep):
    client.force_login(organiser)
    form = {"name": "LIANG  shuying", "honorific": "Prof."}

    asked = client.post(reverse("events:trainer_create"), form)
    created = client.post(reverse("events:trainer_create"), {**form, "create_anyway": "1"})

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "This may already exist: 1 record has the same name or e-mail address." in page
    assert f'<a href="{reverse("events:trainer_detail", args=[keep.pk])}">Liang Shuying</a>' in page
    assert 'name="create_anyway" value="1"' in page
    assert created.status_code == 302
    assert Trainer.objects.count() == 2


def test_creating_a_trainer_with_a_known_address_asks_first(client, organiser, keep):
    client.force_login(organiser)

    asked = client.post(
        reverse("events:trainer_create"), {"name": "Shuying L.", "email": "Liang@example.org"}
    )

    assert "This may already exist" in asked.content.decode()
    assert Trainer.objects.count() == 1


def test_typing_an_address_tells_another_organiser_nothing(client, other_organiser, keep):
    """An organiser who does not work with a trainer cannot see their address, so typing it
    must not find them: the warning would say whose address it is."""
    client.force_login(other_organiser)

    asked = client.post(
        reverse("events:trainer_create"), {"name": "Someone Else", "email": "liang@example.org"}
    )

    assert asked.status_code == 302  # created at once: nothing matched that they may see
    assert "Liang Shuying" not in asked.content.decode()
    assert Trainer.objects.filter(email__iexact="liang@example.org").count() == 2


def test_creating_a_near_duplicate_agency_asks_first(client, organiser, workshop):
    Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    client.force_login(organiser)
    form = {"name": "ministry of public  security", "kind": "government", "level": "national"}
    url = reverse("events:agency_create", args=[workshop.slug])

    asked = client.post(url, {**form, "role": "host"})
    created = client.post(url, {**form, "role": "host", "create_anyway": "1"})

    assert "Ministry of Public Security (MPS)" in asked.content.decode()
    assert "This may already exist" in asked.content.decode()
    assert created.status_code == 302
    assert near_duplicate_agencies(name="MINISTRY OF PUBLIC SECURITY") == list(
        Agency.objects.order_by("name", "pk")
    )


def test_the_duplicates_page_groups_look_alikes(client, organiser, keep, duplicate):
    Agency.objects.create(name="Yunnan Women's Federation")
    Agency.objects.create(name="yunnan women's  federation")
    client.force_login(organiser)

    page = client.get(reverse("events:duplicates")).content.decode()

    assert page.count('<ul class="duplicate-group">') == 2
    assert reverse("events:trainer_merge", args=[keep.pk]) in page
    assert "yunnan women&#x27;s  federation" in page


# Merging trainers ----------------------------------------------------------------------------


def test_merging_trainers_moves_sessions_and_questions_then_deletes(
    organiser, workshop, keep, duplicate, make_session
):
    both = make_session(
        workshop, title="Both", starts_at=at(28, 9), ends_at=at(28, 10), trainers=[keep, duplicate]
    )
    questionnaire = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    question = Question.objects.create(
        questionnaire=questionnaire, text="Clear?", trainer=duplicate
    )

    merged = merge_trainers(keep=keep, duplicate=duplicate, by=organiser)

    assert not Trainer.objects.filter(pk=duplicate.pk).exists()
    assert sorted(Session.objects.filter(trainers=keep).values_list("title", flat=True)) == [
        "Both",
        "Definitions",
    ]
    assert list(both.trainers.all()) == [keep]
    question.refresh_from_db()
    assert question.trainer == keep
    keep.refresh_from_db()
    # What the kept record lacked comes from the duplicate; what it had stays.
    assert (keep.name, keep.name_local, keep.email) == (
        "Liang Shuying",
        "梁淑英",
        "liang@example.org",
    )
    assert merged.moved == 3
    trail = LogEntry.objects.get_for_object(keep).filter(changes__has_key="merged")
    assert trail.count() == 1


def test_after_a_merge_the_clash_rule_sees_one_trainer(organiser, workshop, keep, duplicate):
    # Two records of one person: a session of each at once is let through today.
    assert find_clashes(starts_at=at(27, 9), ends_at=at(27, 10), trainers=[keep]) == []

    merge_trainers(keep=keep, duplicate=duplicate, by=organiser)

    clashes = find_clashes(starts_at=at(27, 9), ends_at=at(27, 10), trainers=[keep])
    assert [clash.other.title for clash in clashes] == ["Definitions"]


def test_a_merge_that_would_put_one_person_in_two_places_is_refused(
    organiser, workshop, keep, duplicate, make_session
):
    make_session(
        workshop, title="Overlapping", starts_at=at(27, 9, 30), ends_at=at(27, 11), trainers=[keep]
    )

    with pytest.raises(MergeRefused) as refused:
        merge_trainers(keep=keep, duplicate=duplicate, by=organiser)

    assert refused.value.message.startswith(
        "Liang Shuying and liang  SHUYING cannot be one person:"
    )
    assert "Overlapping" in refused.value.message
    assert Trainer.objects.filter(pk=duplicate.pk).exists()


def test_an_organiser_merges_only_trainers_of_their_own_workshops(
    other_organiser, organiser, keep, duplicate
):
    assert list(trainers_mergeable_by(other_organiser)) == []
    assert set(trainers_mergeable_by(organiser)) == {keep, duplicate}

    with pytest.raises(MergeRefused):
        merge_trainers(keep=duplicate, duplicate=keep, by=other_organiser)


def test_the_merge_page_merges_and_reports(client, organiser, keep, duplicate):
    client.force_login(organiser)
    url = reverse("events:trainer_merge", args=[keep.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"duplicate": duplicate.pk}, follow=True)

    assert f'<option value="{duplicate.pk}">liang  SHUYING · same name or e-mail</option>' in page
    assert [str(m) for m in response.context["messages"]] == [
        f"liang  SHUYING (#{duplicate.pk}) was merged into Liang Shuying and deleted; 1 "
        "reference moved."
    ]


def test_the_merge_page_in_chinese(client, organiser, keep):
    client.force_login(organiser)

    page = client.get(
        reverse("events:trainer_merge", args=[keep.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "合并并删除重复记录" in page


# Merging agencies ----------------------------------------------------------------------------


def test_merging_agencies_moves_every_reference(db, workshop, make_user, organiser):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    keep = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    duplicate = Agency.objects.create(name="ministry of public security", name_local="公安部")
    child = Agency.objects.create(name="Yunnan Office", parent=duplicate)
    WorkshopAgency.objects.create(workshop=workshop, agency=keep, role="host")
    WorkshopAgency.objects.create(workshop=workshop, agency=duplicate, role="host")
    WorkshopAgency.objects.create(workshop=workshop, agency=duplicate, role="funder")
    trainer = Trainer.objects.create(name="Chen Jing", agency=duplicate)
    member = AgencyMember.objects.create(user=make_user("funder"), agency=duplicate)
    person = factories.registration(workshop, "Li Mei", agency=duplicate, nominated_by=duplicate)
    workshop.summary_provided_by = duplicate
    workshop.save()

    merge_agencies(keep=keep, duplicate=duplicate, by=root)

    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert sorted(
        WorkshopAgency.objects.filter(workshop=workshop).values_list("agency__name", "role")
    ) == [("Ministry of Public Security", "funder"), ("Ministry of Public Security", "host")]
    for row in (trainer, member, person, child, workshop):
        row.refresh_from_db()
    assert trainer.agency == keep
    assert member.agency == keep
    assert (person.agency, person.nominated_by) == (keep, keep)
    assert child.parent == keep
    assert workshop.summary_provided_by == keep
    keep.refresh_from_db()
    assert keep.name_local == "公安部"
    records = LogEntry.objects.filter(additional_data__registration=person.pk)
    assert records.filter(changes__has_key="agency").exists()


def test_an_organiser_merges_only_agencies_of_their_own_workshops(
    organiser, other_organiser, workshop, funder_agency, funder
):
    mine = Agency.objects.create(name="Typed Twice")
    # The funding agency has a funder account: an administrator's to merge.
    assert set(agencies_mergeable_by(organiser)) >= {mine}
    assert funder_agency not in agencies_mergeable_by(organiser)
    WorkshopAgency.objects.create(workshop=workshop, agency=mine, role="attending")
    assert mine not in agencies_mergeable_by(other_organiser)

    with pytest.raises(MergeRefused):
        merge_agencies(keep=funder_agency, duplicate=mine, by=other_organiser)


def test_an_agency_cannot_be_merged_into_its_child(organiser):
    parent = Agency.objects.create(name="Ministry")
    child = Agency.objects.create(name="Ministry Office", parent=parent)

    with pytest.raises(MergeRefused) as refused:
        merge_agencies(keep=child, duplicate=parent, by=organiser)

    assert refused.value.message == (
        "Ministry is the parent agency of Ministry Office: one agency cannot be its own parent."
    )


# Agencies typed on the public form -------------------------------------------------------------


def test_a_typed_agency_maps_every_registration_that_typed_it(client, organiser, workshop):
    known = Agency.objects.create(name="Yunnan Women's Federation", acronym="YWF")
    typed = [
        factories.registration(workshop, f"Person {n}", agency_name=text)
        for n, text in enumerate(
            ["Yunnan Women's Federation", "yunnan women's  federation", "Lijiang Police"]
        )
    ]
    client.force_login(organiser)
    url = reverse("participants:typed_agencies", args=[workshop.slug])

    page = client.get(url).content.decode()
    response = client.post(
        url, {"text": "YUNNAN women's federation", "agency": known.pk}, follow=True
    )

    assert [(t.text, t.count, t.suggestion) for t in typed_agencies(workshop)] == [
        ("Lijiang Police", 1, None)
    ]
    assert "“Yunnan Women&#x27;s Federation”" in page
    assert f'<option value="{known.pk}" selected>' in page
    assert [str(m) for m in response.context["messages"]] == [
        "2 registrations that typed “YUNNAN women's federation” now belong to "
        "Yunnan Women's Federation (YWF)."
    ]
    agencies = [
        Registration.objects.values_list("agency", "agency_name").get(pk=r.pk) for r in typed
    ]
    assert agencies == [(known.pk, ""), (known.pk, ""), (None, "Lijiang Police")]


def test_mapping_a_typed_agency_is_refused_for_a_completed_workshop(workshop):
    known = Agency.objects.create(name="Known")
    factories.registration(workshop, "Li Mei", agency_name="known")
    workshop.status = Workshop.Status.COMPLETED
    workshop.save()

    from participants.services import RegistrationClosed

    with pytest.raises(RegistrationClosed):
        map_typed_agency(workshop=workshop, text="known", agency=known)


# The permission table ------------------------------------------------------------------------

PERSONAS = ["anonymous", "participant", "organiser", "other_organiser", "funder", "staff", "root"]


@pytest.fixture
def persona_client(client, organiser, other_organiser, funder, participant_registration):
    def make(persona):
        users = {"organiser": organiser, "other_organiser": other_organiser, "funder": funder}
        if persona == "staff":
            users["staff"] = get_user_model().objects.create_user("staff", is_staff=True)
        if persona == "root":
            users["root"] = get_user_model().objects.create_superuser("root", password=PASSWORD)
        if persona in users:
            client.force_login(users[persona])
        return client

    return make


# (name, method, url(ids), data(ids), {persona: status}); "login" is the sign-in page.
def _directory(ok, other=None):
    answers = dict.fromkeys(PERSONAS, 404)
    answers |= {"anonymous": "login", "participant": "login", "organiser": ok, "root": ok}
    answers["other_organiser"] = ok if other is None else other
    return answers


def _to(name, key=None):
    """The url of ``name``, with the id that ``key`` names among the test's ids."""
    return lambda ids: reverse(name, args=[ids[key]] if key else [])


ROUTES = [
    ("duplicates", "get", _to("events:duplicates"), None, _directory(200)),
    ("trainer_merge", "get", _to("events:trainer_merge", "keep"), None, _directory(200)),
    # Another workshop's organiser may not merge this one's trainer: the choice is not offered.
    (
        "trainer_merge",
        "post",
        _to("events:trainer_merge", "keep"),
        lambda ids: {"duplicate": ids["duplicate"]},
        _directory(302, other=200),
    ),
    ("agency_merge", "get", _to("events:agency_merge", "agency"), None, _directory(200)),
    (
        "agency_merge",
        "post",
        _to("events:agency_merge", "agency"),
        lambda ids: {"duplicate": ids["agency_duplicate"]},
        _directory(302, other=200),
    ),
    (
        "typed_agencies",
        "get",
        _to("participants:typed_agencies", "slug"),
        None,
        _directory(200, other=404),
    ),
    (
        "typed_agencies",
        "post",
        _to("participants:typed_agencies", "slug"),
        lambda ids: {"text": "typed agency", "agency": ids["agency"]},
        _directory(302, other=404),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "answers"), ROUTES, ids=[f"{r[0]}-{r[1]}" for r in ROUTES]
)
def test_permission_table(
    persona_client, persona, workshop, keep, duplicate, name, method, url, data, answers
):
    agency = Agency.objects.create(name="Typed Agency")
    agency_duplicate = Agency.objects.create(name="typed  agency")
    WorkshopAgency.objects.create(workshop=workshop, agency=agency_duplicate, role="attending")
    typed = factories.registration(workshop, "Wang Fang", agency_name="Typed agency")
    ids = {
        "slug": workshop.slug,
        "keep": keep.pk,
        "duplicate": duplicate.pk,
        "agency": agency.pk,
        "agency_duplicate": agency_duplicate.pk,
    }
    client = persona_client(persona)
    target = url(ids)
    response = client.post(target, data(ids)) if method == "post" else client.get(target)

    expected = answers[persona]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, response.content[:300]
    changed = expected == 302 and method == "post"
    assert Trainer.objects.filter(pk=duplicate.pk).exists() != (changed and name == "trainer_merge")
    assert Agency.objects.filter(pk=agency_duplicate.pk).exists() != (
        changed and name == "agency_merge"
    )
    typed.refresh_from_db()
    assert (typed.agency_id == agency.pk) == (changed and name == "typed_agencies")


@pytest.mark.parametrize("agency", ["", "abc", "999999"])
def test_mapping_to_no_known_agency_is_refused_naming_the_field(
    client, organiser, workshop, agency
):
    typed = factories.registration(workshop, "Li Mei", agency_name="Lijiang Police")
    client.force_login(organiser)

    response = client.post(
        reverse("participants:typed_agencies", args=[workshop.slug]),
        {"text": "Lijiang Police", "agency": agency},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Agency: choose a known agency from the list."
    ]
    typed.refresh_from_db()
    assert (typed.agency_id, typed.agency_name) == (None, "Lijiang Police")


def test_merging_a_trainers_agency_gives_the_timetable_a_new_version(
    organiser, workshop, make_session
):
    duplicate = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    keep = Agency.objects.create(name="Ministry of Public Security (China)", acronym="MPS")
    other = Agency.objects.create(name="IOM")  # changed last: the trainers' agencies' latest
    liang = Trainer.objects.create(name="Liang", agency=duplicate)
    chen = Trainer.objects.create(name="Chen", agency=other)
    make_session(
        workshop, title="A", starts_at=at(27, 9), ends_at=at(27, 10), trainers=[liang, chen]
    )
    before = timetable_version(workshop, overlapping=False)

    merge_agencies(keep=keep, duplicate=duplicate, by=organiser)

    assert Trainer.objects.get(pk=liang.pk).agency == keep
    assert timetable_version(workshop, overlapping=False) != before
