"""The move of a person's details onto their registrations keeps what every workshop showed."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("participants", "0003_constraint_messages"), ("events", "0004_workshop_local_twins")]


def migrate(targets=None):
    """Migrate to ``targets`` (None: every app's latest, as the other tests expect it)."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_person_details_are_copied_onto_each_registration():
    old = migrate(BEFORE)
    Agency = old.get_model("events", "Agency")
    Workshop = old.get_model("events", "Workshop")
    Participant = old.get_model("participants", "Participant")
    Registration = old.get_model("participants", "Registration")
    mps = Agency.objects.create(name="Ministry of Public Security")
    workshops = [
        Workshop.objects.create(
            title=f"Workshop {n}",
            slug=f"w{n}",
            start_date=date(2007, 8, 26),
            end_date=date(2007, 8, 31),
            timezone="Asia/Shanghai",
            capacity=30,
        )
        for n in range(2)
    ]
    li = Participant.objects.create(
        name="Li Mei",
        name_local="李梅",
        gender="female",
        agency=mps,
        position="Inspector",
        region="Yunnan",
        email="li.mei@example.org",
        phone="+86 871 555",
        preferred_language="zh-hans",
    )
    for workshop in workshops:
        Registration.objects.create(workshop=workshop, participant=li, source="organiser")

    new = migrate()

    rows = list(
        new.get_model("participants", "Registration")
        .objects.order_by("pk")
        .values_list(
            "name",
            "name_local",
            "gender",
            "agency__name",
            "position",
            "region",
            "phone",
            "preferred_language",
            "feed_token",
        )
    )
    assert [row[:-1] for row in rows] == [
        (
            "Li Mei",
            "李梅",
            "female",
            "Ministry of Public Security",
            "Inspector",
            "Yunnan",
            "+86 871 555",
            "zh-hans",
        )
    ] * 2
    # Each registration has a calendar link of its own.
    tokens = {row[-1] for row in rows}
    assert len(tokens) == 2
    assert all(len(token) >= 32 for token in tokens)
    assert new.get_model("participants", "Participant").objects.get().email == "li.mei@example.org"
