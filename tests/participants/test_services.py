"""The registration rules, through the one service every page, import and API call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Agency, Workshop
from participants.models import Participant, Registration
from participants.queries import ending_preview
from participants.services import (
    InvalidTransition,
    RegistrationClosed,
    RegistrationData,
    RegistrationError,
    approve_registration,
    cancel_registration,
    decline_registration,
    promote_from_waitlist,
    register_participant,
    revoke_registration_link,
    waitlist_registration,
)
from tests import factories

Status = Registration.Status
Source = Registration.Source
pytestmark = pytest.mark.django_db


def register(workshop, email, *, source=Source.PUBLIC, **fields):
    """(registration, created) of registering ``email`` through the service."""
    outcome = factories.registered(workshop, email, source=source, **fields)
    return outcome.registration, outcome.created


def statuses(workshop):
    """{e-mail: status} for the workshop, to assert the whole state at once."""
    return dict(
        Registration.objects.filter(workshop=workshop).values_list("participant__email", "status")
    )


def waiting_emails(workshop):
    return list(
        Registration.objects.filter(workshop=workshop)
        .waiting()
        .values_list("participant__email", flat=True)
    )


def test_register_participant_confirms_while_seats_are_free(make_workshop):
    workshop = make_workshop(capacity=2)
    registration, created = register(workshop, "li.mei@example.org", name="Li Mei")
    assert created is True
    assert registration.status == Status.CONFIRMED
    assert registration.waitlisted_at is None
    assert registration.source == Source.PUBLIC
    assert registration.name == "Li Mei"
    assert registration.participant.email == "li.mei@example.org"


def test_register_participant_waitlists_once_full_in_order_of_arrival(full_workshop):
    assert statuses(full_workshop) == {
        "a@example.org": Status.CONFIRMED,
        "b@example.org": Status.CONFIRMED,
        "c@example.org": Status.WAITLISTED,
        "d@example.org": Status.WAITLISTED,
    }
    assert waiting_emails(full_workshop) == ["c@example.org", "d@example.org"]
    assert (
        Registration.objects.filter(workshop=full_workshop, waitlisted_at__isnull=True).count() == 2
    )


def test_register_participant_never_overtakes_the_waiting_list(full_workshop):
    # A seat was added while c@ and d@ wait: it goes to c@, and the newcomer joins the end
    # of the queue behind d@.
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=3)
    full_workshop.refresh_from_db()
    registration, _ = register(full_workshop, "newcomer@example.org")
    assert registration.status == Status.WAITLISTED
    assert statuses(full_workshop)["c@example.org"] == Status.CONFIRMED
    assert waiting_emails(full_workshop) == ["d@example.org", "newcomer@example.org"]


def test_register_participant_gets_only_the_seats_the_waiting_list_leaves(full_workshop):
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=5)
    full_workshop.refresh_from_db()
    registration, _ = register(full_workshop, "newcomer@example.org")
    assert registration.status == Status.CONFIRMED
    assert waiting_emails(full_workshop) == []
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 5


def test_register_participant_is_pending_when_the_workshop_requires_approval(make_workshop):
    workshop = make_workshop(capacity=5, requires_approval=True)
    registration, created = register(workshop, "li.mei@example.org")
    assert (registration.status, created) == (Status.PENDING, True)
    assert registration.waitlisted_at is None


def test_register_participant_finds_the_person_by_email_ignoring_case(make_workshop):
    workshop = make_workshop()
    first, created_first = register(workshop, "Li.Mei@Example.org")
    again, created_again = register(workshop, "li.mei@EXAMPLE.ORG")
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 1


def test_register_participant_repeated_submit_changes_nothing(
    full_workshop, django_capture_on_commit_callbacks, mailoutbox
):
    before = statuses(full_workshop)
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = register(full_workshop, "c@example.org")
    assert created is False
    assert registration.status == Status.WAITLISTED
    assert statuses(full_workshop) == before
    assert Registration.objects.count() == 4
    assert mailoutbox == []


def test_register_participant_same_person_in_two_workshops_is_one_participant(make_workshop):
    one, two = make_workshop(slug="one"), make_workshop(slug="two")
    first, _ = register(one, "li.mei@example.org")
    second, _ = register(two, "LI.MEI@example.org")
    assert first.participant_id == second.participant_id
    assert first.pk != second.pk


def test_register_participant_trusted_source_updates_its_own_workshops_details(make_workshop):
    agency = Agency.objects.create(name="Ministry of Public Security", acronym="MPS")
    here, _ = register(make_workshop(), "li.mei@example.org", name="Li Mei", phone="123456")
    later = make_workshop(slug="later")
    register(later, "li.mei@example.org", source=Source.IMPORT, name="Li Mei", phone="777")
    again, created = register(
        later,
        "LI.MEI@example.org",
        source=Source.IMPORT,
        name="Li Mei",
        position="Deputy Director",
        agency=agency,
    )
    assert created is False
    assert (again.position, again.agency, again.phone) == ("Deputy Director", agency, "777")
    here.refresh_from_db()
    assert (here.position, here.agency, here.phone) == ("", None, "123456")


def test_register_participant_elsewhere_copies_and_changes_nothing(make_workshop):
    # Another organiser imports the same address: their registration holds what their file
    # said, nothing of the first workshop's, and the first workshop's is untouched.
    first, _ = register(
        make_workshop(slug="one"),
        "li.mei@example.org",
        name="Li Mei",
        name_local="李梅",
        gender="female",
        position="Inspector",
        region="Yunnan",
        phone="123456",
    )
    theirs, created = register(
        make_workshop(slug="two"), "li.mei@example.org", source=Source.IMPORT, name="L. Mei"
    )
    assert created is True
    assert (theirs.name, theirs.name_local, theirs.gender, theirs.position, theirs.phone) == (
        "L. Mei",
        "",
        Registration.Gender.UNDISCLOSED,
        "",
        "",
    )
    first.refresh_from_db()
    assert (first.name, first.position, first.phone) == ("Li Mei", "Inspector", "123456")


def test_register_participant_public_form_cannot_change_an_existing_registration(make_workshop):
    workshop = make_workshop(slug="one")
    register(workshop, "li.mei@example.org", name="Li Mei", phone="123456")
    again, created = register(workshop, "li.mei@example.org", name="Impostor", phone="999999")
    assert created is False
    again.refresh_from_db()
    assert (again.name, again.phone) == ("Li Mei", "123456")


def test_register_participant_accepts_a_dataclass(make_workshop):
    data = RegistrationData(name="Li Mei", email="li.mei@example.org", gender="female")
    outcome = register_participant(workshop=make_workshop(), data=data, source=Source.ORGANISER)
    assert outcome.registration.gender == Registration.Gender.FEMALE


def test_register_participant_rejects_unknown_fields(make_workshop):
    with pytest.raises(TypeError, match="Unknown registration fields: shoe_size"):
        register(make_workshop(), "li.mei@example.org", shoe_size=42)


def test_register_participant_rejects_a_bad_email_naming_it(make_workshop):
    with pytest.raises(RegistrationError, match="“not-an-address” is not a valid e-mail address"):
        register(make_workshop(), "not-an-address")
    assert Participant.objects.count() == 0


def test_register_participant_requires_an_email_on_the_public_form(make_workshop):
    with pytest.raises(RegistrationError, match="An e-mail address is required"):
        register_participant(workshop=make_workshop(), data={"name": "A"}, source=Source.PUBLIC)


def test_register_participant_organiser_may_add_someone_without_email(make_workshop):
    outcome = register_participant(
        workshop=make_workshop(), data={"name": "Wang Fang"}, source=Source.ORGANISER
    )
    registration, created = outcome.registration, outcome.created
    assert created is True
    assert registration.participant.email == ""


# --- The registration window -------------------------------------------------------------


def test_register_participant_refuses_before_the_window_opens(make_workshop):
    opens = timezone.now() + timedelta(days=2)
    workshop = make_workshop(registration_opens_at=opens)
    with pytest.raises(RegistrationClosed, match=r"Registration opens on .* \(Asia/Shanghai\)"):
        register(workshop, "early@example.org")
    assert Registration.objects.count() == 0


def test_register_participant_refuses_after_the_window_closes(make_workshop):
    workshop = make_workshop(
        registration_opens_at=timezone.now() - timedelta(days=10),
        registration_closes_at=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(RegistrationClosed, match="Registration closed on"):
        register(workshop, "late@example.org")


def test_register_participant_accepts_inside_the_window(make_workshop):
    workshop = make_workshop(
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=1),
    )
    registration, _ = register(workshop, "on.time@example.org")
    assert registration.status == Status.CONFIRMED


@pytest.mark.parametrize("status", [Workshop.Status.DRAFT, Workshop.Status.CLOSED])
def test_register_participant_refuses_unless_published(make_workshop, status):
    with pytest.raises(RegistrationClosed, match="This workshop is not open for registration"):
        register(make_workshop(status=status), "someone@example.org")


def test_register_participant_organisers_may_add_outside_the_window(make_workshop):
    workshop = make_workshop(
        status=Workshop.Status.DRAFT, registration_opens_at=timezone.now() + timedelta(days=3)
    )
    registration, _ = register(workshop, "nominee@example.org", source=Source.IMPORT)
    assert registration.status == Status.CONFIRMED


def test_register_participant_nobody_may_add_to_a_cancelled_workshop(make_workshop):
    workshop = make_workshop(status=Workshop.Status.CANCELLED)
    with pytest.raises(RegistrationClosed, match="This workshop has been cancelled"):
        register(workshop, "nominee@example.org", source=Source.ORGANISER)


def test_register_participant_existing_registration_returned_even_after_closing(make_workshop):
    workshop = make_workshop()
    first, _ = register(workshop, "li.mei@example.org")
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CLOSED)
    workshop.refresh_from_db()
    again, created = register(workshop, "li.mei@example.org")
    assert (again.pk, created) == (first.pk, False)


# --- Cancellation and promotion ----------------------------------------------------------


def test_cancel_registration_promotes_the_first_waitlisted_and_tells_them(
    full_workshop, django_capture_on_commit_callbacks, mailoutbox
):
    a = Registration.objects.get(participant__email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=a)
    assert statuses(full_workshop) == {
        "a@example.org": Status.CANCELLED,
        "b@example.org": Status.CONFIRMED,
        "c@example.org": Status.CONFIRMED,
        "d@example.org": Status.WAITLISTED,
    }
    assert waiting_emails(full_workshop) == ["d@example.org"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["c@example.org"], "A seat is yours: Anti-Trafficking Workshop"),
        (["a@example.org"], "Registration cancelled: Anti-Trafficking Workshop"),
    ]


def test_cancel_registration_promotes_by_waitlist_time_then_pk(full_workshop):
    # d@ joined the list at the same instant as c@ but has a higher pk: c@ goes first.
    c = Registration.objects.get(participant__email="c@example.org")
    Registration.objects.filter(participant__email="d@example.org").update(
        waitlisted_at=c.waitlisted_at
    )
    cancel_registration(registration=Registration.objects.get(participant__email="b@example.org"))
    assert statuses(full_workshop)["c@example.org"] == Status.CONFIRMED
    assert statuses(full_workshop)["d@example.org"] == Status.WAITLISTED


def test_cancel_registration_of_a_waitlisted_promotes_nobody(full_workshop):
    cancel_registration(registration=Registration.objects.get(participant__email="c@example.org"))
    assert statuses(full_workshop) == {
        "a@example.org": Status.CONFIRMED,
        "b@example.org": Status.CONFIRMED,
        "c@example.org": Status.CANCELLED,
        "d@example.org": Status.WAITLISTED,
    }


def test_ending_a_registration_in_a_cancelled_workshop_promotes_nobody_as_its_preview_says(
    full_workshop, organiser, django_capture_on_commit_callbacks, mailoutbox
):
    # The rule of promote_from_waitlist (no seat from the queue of a workshop that will not
    # take place) holds for a seat freed by a cancellation or a decline too, and the page
    # that asks first (ending_preview) says what the service then does.
    Workshop.objects.filter(pk=full_workshop.pk).update(status=Workshop.Status.CANCELLED)
    full_workshop.refresh_from_db()
    a, b = (
        Registration.objects.get(participant__email=e) for e in ("a@example.org", "b@example.org")
    )
    assert ending_preview(full_workshop, [a]).promoted == []
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=a, by=organiser)
        decline_registration(registration=b, by=organiser)
    assert statuses(full_workshop) == {
        "a@example.org": Status.CANCELLED,
        "b@example.org": Status.DECLINED,
        "c@example.org": Status.WAITLISTED,
        "d@example.org": Status.WAITLISTED,
    }
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]


def test_cancel_registration_twice_is_harmless(full_workshop):
    a = Registration.objects.get(participant__email="a@example.org")
    cancel_registration(registration=a)
    cancel_registration(registration=a)
    assert statuses(full_workshop) == {
        "a@example.org": Status.CANCELLED,
        "b@example.org": Status.CONFIRMED,
        "c@example.org": Status.CONFIRMED,
        "d@example.org": Status.WAITLISTED,
    }


def test_register_participant_after_cancelling_reopens_at_the_end_of_the_queue(full_workshop):
    a = Registration.objects.get(participant__email="a@example.org")
    cancel_registration(registration=a)
    outcome = factories.registered(full_workshop, "A@example.org")
    assert (outcome.registration.pk, outcome.created, outcome.reopened) == (a.pk, False, True)
    assert outcome.registration.status == Status.WAITLISTED
    assert waiting_emails(full_workshop) == ["d@example.org", "a@example.org"]


def test_register_participant_never_reopens_an_organisers_cancellation(full_workshop, organiser):
    a = Registration.objects.get(participant__email="a@example.org")
    cancel_registration(registration=a, by=organiser)
    outcome = factories.registered(full_workshop, "a@example.org")
    assert (outcome.created, outcome.reopened, outcome.registration.status) == (
        False,
        False,
        Status.CANCELLED,
    )


def test_register_participant_never_reopens_a_decline(full_workshop, organiser):
    c = Registration.objects.get(participant__email="c@example.org")
    decline_registration(registration=c, by=organiser)
    outcome = factories.registered(full_workshop, "c@example.org")
    assert (outcome.reopened, outcome.registration.status) == (False, Status.DECLINED)


def test_approve_refuses_a_registration_the_person_cancelled_themselves(full_workshop, organiser):
    a = Registration.objects.get(participant__email="a@example.org")
    cancel_registration(registration=a)
    with pytest.raises(InvalidTransition, match="a cancelled this registration themselves"):
        approve_registration(registration=a, by=organiser)
    a.refresh_from_db()
    assert a.status == Status.CANCELLED


def test_register_participant_import_leaves_a_cancellation_alone(full_workshop):
    a = Registration.objects.get(participant__email="a@example.org")
    cancel_registration(registration=a, by=None)
    again, created = register(full_workshop, "a@example.org", source=Source.IMPORT)
    assert (again.pk, created, again.status) == (a.pk, False, Status.CANCELLED)


def test_promote_from_waitlist_fills_seats_added_later(full_workshop):
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=3)
    promoted = promote_from_waitlist(workshop=full_workshop)
    assert [r.participant.email for r in promoted] == ["c@example.org"]
    assert waiting_emails(full_workshop) == ["d@example.org"]


# --- Organisers' decisions ---------------------------------------------------------------


@pytest.fixture
def approval_workshop(make_workshop):
    workshop = make_workshop(capacity=1, requires_approval=True, slug="approval")
    for email in ("p1@example.org", "p2@example.org", "p3@example.org"):
        register(workshop, email)
    return workshop


def pending(email):
    return Registration.objects.get(participant__email=email)


def test_approve_registration_takes_a_free_seat(approval_workshop, organiser):
    registration = approve_registration(registration=pending("p1@example.org"), by=organiser)
    assert registration.status == Status.CONFIRMED


def test_approve_registration_waitlists_when_full(approval_workshop, organiser):
    approve_registration(registration=pending("p1@example.org"), by=organiser)
    second = approve_registration(registration=pending("p2@example.org"), by=organiser)
    third = approve_registration(registration=pending("p3@example.org"), by=organiser)
    assert (second.status, third.status) == (Status.WAITLISTED, Status.WAITLISTED)
    assert waiting_emails(approval_workshop) == ["p2@example.org", "p3@example.org"]


def test_approve_registration_does_not_overtake_the_waiting_list(approval_workshop, organiser):
    approve_registration(registration=pending("p1@example.org"), by=organiser)
    approve_registration(registration=pending("p2@example.org"), by=organiser)
    # A seat frees up and goes to p2@, who waited; p3@, approved later, queues.
    cancel_registration(registration=pending("p1@example.org"), by=organiser)
    third = approve_registration(registration=pending("p3@example.org"), by=organiser)
    assert statuses(approval_workshop) == {
        "p1@example.org": Status.CANCELLED,
        "p2@example.org": Status.CONFIRMED,
        "p3@example.org": Status.WAITLISTED,
    }
    assert third.status == Status.WAITLISTED


def test_approve_registration_refuses_a_confirmed_one(approval_workshop, organiser):
    approve_registration(registration=pending("p1@example.org"), by=organiser)
    with pytest.raises(InvalidTransition, match="“Confirmed” cannot be approved"):
        approve_registration(registration=pending("p1@example.org"), by=organiser)


def test_decline_registration_of_a_confirmed_promotes_the_first_waiting(
    full_workshop, organiser, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        decline_registration(registration=pending("b@example.org"), by=organiser)
    assert statuses(full_workshop)["b@example.org"] == Status.DECLINED
    assert statuses(full_workshop)["c@example.org"] == Status.CONFIRMED
    assert sorted(m.to[0] for m in mailoutbox) == ["b@example.org", "c@example.org"]


def test_decline_registration_of_a_pending_one(approval_workshop, organiser):
    registration = decline_registration(registration=pending("p1@example.org"), by=organiser)
    assert registration.status == Status.DECLINED
    with pytest.raises(InvalidTransition, match="“Declined” cannot be declined"):
        decline_registration(registration=registration, by=organiser)


def test_waitlist_registration_puts_a_pending_one_at_the_end(approval_workshop, organiser):
    approve_registration(registration=pending("p1@example.org"), by=organiser)
    registration = waitlist_registration(registration=pending("p3@example.org"), by=organiser)
    assert registration.status == Status.WAITLISTED
    assert waiting_emails(approval_workshop) == ["p3@example.org"]


def test_waitlist_registration_leaves_no_seat_empty(approval_workshop, organiser):
    # The seat is free and nobody waits: the one put on the list is its head, and takes it.
    registration = waitlist_registration(registration=pending("p1@example.org"), by=organiser)
    assert registration.status == Status.CONFIRMED


def test_waitlist_registration_refuses_a_confirmed_one(full_workshop, organiser):
    with pytest.raises(InvalidTransition, match="cannot be put on the waiting list"):
        waitlist_registration(registration=pending("a@example.org"), by=organiser)


def test_revoke_registration_link_replaces_the_token(full_workshop):
    registration = pending("a@example.org")
    old = registration.token
    revoke_registration_link(registration=registration)
    registration.refresh_from_db()
    assert registration.token != old
    assert len(registration.token) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert not Registration.objects.filter(token=old).exists()
