"""Check the registration invariants across every workshop; exit non-zero on any violation.

Each rule is one aggregate query, whatever the number of registrations:

- over capacity: a workshop with more confirmed registrations than seats;
- seat left empty: a workshop with people waiting while confirmed < capacity (the first on
  the waiting list should have been promoted), unless it is one whose freed seats go to
  nobody (``participants.queries.NO_PROMOTION_STATUSES``: over, or will not take place);
- waiting list overtaken: a confirmed registration that got its seat after someone still
  waiting had joined the waiting list, and did not itself join the list before that person.
  (A freed seat goes to the head of the queue; a newcomer joins its end.)
- duplicate registrations: one person registered twice for one workshop;
- duplicate people: two participants with the same e-mail address, ignoring case.

The database holds the last two as constraints; they are checked anyway, so that a restore
or a hand-made repair that went around them is caught too.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower

from events.models import Workshop
from participants.models import Participant, Registration, seat_counts
from participants.queries import NO_PROMOTION_STATUSES

Status = Registration.Status


def seat_problems():
    """Workshops over capacity, or with a free seat while people wait that should have gone
    to them (``may_promote_from_waitlist``'s rule): one query."""
    seat_left_empty = Q(waitlisted__gt=0, confirmed__lt=F("capacity")) & ~Q(
        status__in=NO_PROMOTION_STATUSES
    )
    return (
        Workshop.objects.annotate(**seat_counts("registrations"))
        .filter(Q(confirmed__gt=F("capacity")) | seat_left_empty)
        .order_by("slug")
        .values("slug", "capacity", "confirmed", "waitlisted")
    )


def overtaken_waiting_list():
    """Per workshop, how many confirmed registrations jumped the waiting list: one query."""
    # Someone still waiting who had joined the list before this seat was taken...
    waiting_before = Registration.objects.filter(
        workshop=OuterRef("workshop"),
        status=Status.WAITLISTED,
        waitlisted_at__lt=OuterRef("status_changed_at"),
    )
    # ...and, for a seat that came from the list, was ahead of it there.
    ahead_in_queue = waiting_before.ahead_of(OuterRef("waitlisted_at"), OuterRef("pk"))
    return (
        Registration.objects.filter(status=Status.CONFIRMED)
        .filter(
            Q(Exists(waiting_before), waitlisted_at__isnull=True)
            | Q(Exists(ahead_in_queue), waitlisted_at__isnull=False)
        )
        .order_by()
        .values("workshop__slug")
        .annotate(count=Count("pk"))
        .order_by("workshop__slug")
    )


def duplicate_registrations():
    """(workshop, participant) pairs registered more than once: one query."""
    return (
        Registration.objects.order_by()
        .values("workshop__slug", "participant_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("workshop__slug", "participant_id")
    )


def duplicate_people():
    """E-mail addresses (lower-cased) held by more than one participant: one query."""
    return (
        Participant.objects.exclude(email="")
        .annotate(address=Lower("email"))
        .order_by()
        .values("address")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("address")
    )


def totals() -> dict:
    """What was checked, for the OK line: two queries."""
    figures = Registration.objects.aggregate(
        registrations=Count("pk"),
        **seat_counts(),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
    )
    figures["workshops"] = Workshop.objects.count()
    return figures


def find_violations() -> list[str]:
    """Every violation, one line each."""
    problems = []
    for row in seat_problems():
        if row["confirmed"] > row["capacity"]:
            problems.append(
                f"{row['slug']}: over capacity: {row['confirmed']} confirmed "
                f"for {row['capacity']} seats"
            )
        else:
            problems.append(
                f"{row['slug']}: seat left empty: {row['confirmed']} confirmed of "
                f"{row['capacity']} seats while {row['waitlisted']} wait"
            )
    for row in overtaken_waiting_list():
        problems.append(
            f"{row['workshop__slug']}: waiting list out of order: {row['count']} confirmed "
            "registration(s) took a seat ahead of someone still waiting"
        )
    for row in duplicate_registrations():
        problems.append(
            f"{row['workshop__slug']}: duplicate registrations: participant "
            f"{row['participant_id']} registered {row['count']} times"
        )
    for row in duplicate_people():
        problems.append(
            f"duplicate participants: {row['count']} people share the e-mail address "
            f"{row['address']} (ignoring case)"
        )
    return problems


class Command(BaseCommand):
    help = (
        "Check registrations: capacity, waiting-list order, duplicates. Prints OK with counts, "
        "or each violation and exits with status 1."
    )

    def handle(self, *args, **options):
        problems = find_violations()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} registration violation(s) found.")
        figures = totals()
        self.stdout.write(
            self.style.SUCCESS(
                "OK: {workshops} workshops, {registrations} registrations "
                "({confirmed} confirmed, {waitlisted} waitlisted, {pending} pending): "
                "capacity, waiting-list order and uniqueness hold.".format(**figures)
            )
        )
