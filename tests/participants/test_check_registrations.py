"""check_registrations: OK with counts on sound data, each violation named and a non-zero exit."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from events.models import Workshop
from participants.models import Participant, Registration
from participants.services import cancel_registration, register_participant
from tests import factories

Status = Registration.Status
pytestmark = pytest.mark.django_db


def check():
    """(stdout, stderr, failed) of one run of the command."""
    out, err = StringIO(), StringIO()
    try:
        call_command("check_registrations", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), True
    return out.getvalue(), err.getvalue(), False


def by_email(email):
    return Registration.objects.get(participant__email=email)


def test_check_registrations_ok_prints_counts(full_workshop, make_workshop):
    register_participant(
        workshop=make_workshop(slug="approval", requires_approval=True),
        data={"name": "p", "email": "p@example.org"},
        source="public",
    )
    out, err, failed = check()
    assert failed is False
    assert err == ""
    assert out.startswith("OK: 2 workshops, 5 registrations (2 confirmed, 2 waitlisted, 1 pending)")


def test_check_registrations_ok_after_promotions(full_workshop):
    cancel_registration(registration=by_email("a@example.org"))
    cancel_registration(registration=by_email("c@example.org"))
    _, _, failed = check()
    assert failed is False


def test_check_registrations_ok_with_seats_a_cancelled_workshop_keeps_from_its_queue(
    full_workshop,
):
    # A seat freed in a workshop that will not take place goes to nobody
    # (participants.queries.may_promote_from_waitlist): not a seat left empty.
    from events.services import change_workshop_status

    change_workshop_status(workshop=full_workshop, status=Workshop.Status.CANCELLED)
    cancel_registration(registration=by_email("a@example.org"))
    assert by_email("c@example.org").status == Status.WAITLISTED
    out, err, failed = check()
    assert (err, failed) == ("", False)
    assert out.startswith("OK: 1 workshops, 4 registrations (1 confirmed, 2 waitlisted, 0 pending)")


def test_check_registrations_reports_overbooking(full_workshop):
    # Broken behind the service's back: two more confirmed seats than the room has.
    for name in ("x", "y"):
        factories.registration(full_workshop, name, source="api")
    out, err, failed = check()
    assert failed is True
    assert err.splitlines() == [
        "full: over capacity: 4 confirmed for 2 seats",
        # They were seated while c@ and d@ waited: that is out of order as well.
        "full: waiting list out of order: 2 confirmed registration(s) took a seat ahead of "
        "someone still waiting",
        "2 registration violation(s) found.",
    ]
    assert out == ""


def test_check_registrations_reports_a_seat_left_empty_while_people_wait(full_workshop):
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=3)
    _, err, failed = check()
    assert failed is True
    assert "full: seat left empty: 2 confirmed of 3 seats while 2 wait" in err


def test_check_registrations_reports_a_newcomer_seated_ahead_of_the_waiting(full_workshop):
    # A seat added and given to someone new, while c@ and d@ still wait.
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=3)
    factories.registration(full_workshop, "n", email="n@example.org", source="api")
    _, err, failed = check()
    assert failed is True
    assert (
        "full: waiting list out of order: 1 confirmed registration(s) took a seat ahead of "
        "someone still waiting" in err
    )


def test_check_registrations_reports_the_second_waiting_promoted_before_the_first(
    full_workshop,
):
    cancel_registration(registration=by_email("a@example.org"))  # c@ promoted: fine
    d = by_email("d@example.org")
    e = register_participant(
        workshop=full_workshop, data={"name": "e", "email": "e@example.org"}, source="public"
    ).registration
    # Promote e@ (behind d@ in the queue) by hand after a seat frees.
    cancel_registration(registration=by_email("b@example.org"), notify=False)  # d@ promoted
    Registration.objects.filter(pk=d.pk).update(
        status=Status.WAITLISTED, waitlisted_at=d.waitlisted_at
    )
    Registration.objects.filter(pk=e.pk).update(
        status=Status.CONFIRMED, status_changed_at=timezone.now() + timedelta(seconds=1)
    )
    _, err, failed = check()
    assert failed is True
    assert "waiting list out of order: 1 confirmed" in err


def test_check_registrations_reports_duplicate_people_by_email_ignoring_case(full_workshop):
    # The constraint must go first: the database itself refuses the duplicate.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX participant_email_unique_ci")
    Participant.objects.create(email="A@Example.org")
    _, err, failed = check()
    assert failed is True
    assert "duplicate participants: 2 people share the e-mail address a@example.org" in err


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite cannot drop a table constraint without rebuilding the table",
)
def test_check_registrations_reports_duplicate_registrations(full_workshop):
    table = Registration._meta.db_table
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of the fixture's rows must run before an ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT registration_unique_per_workshop")
    a = by_email("a@example.org")
    Registration.objects.create(
        workshop=full_workshop, participant=a.participant, status=Status.PENDING, source="api"
    )
    _, err, failed = check()
    assert failed is True
    assert (
        f"full: duplicate registrations: participant {a.participant_id} registered 2 times" in err
    )
