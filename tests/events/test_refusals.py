"""One shape of refusal: every service's error is a Refusal, shown by one helper on a form
and by one in the API."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from config.refusals import Refusal, Refusals, add_to_form, error_rows
from events import services
from events.models import Room
from feedback.services import FeedbackError, SubmissionRefused
from participants.attendance import AttendanceRefused
from participants.services import InvalidTransition, RegistrationClosed, RegistrationError
from tests import factories
from tests.conftest import at


class CapacityForm(forms.Form):
    capacity = forms.IntegerField()
    seats = forms.IntegerField(required=False)


def bound_form():
    form = CapacityForm({"capacity": "3"})
    assert form.is_valid()
    return form


@pytest.mark.parametrize(
    ("refusal", "row"),
    [
        (
            Refusal("Too few seats.", field="capacity", code="below_confirmed"),
            {"field": "capacity", "code": "below_confirmed", "message": "Too few seats."},
        ),
        (
            RegistrationError("A name is required."),
            {"field": None, "code": "refused", "message": "A name is required."},
        ),
        (
            RegistrationClosed("This workshop has been cancelled."),
            {
                "field": None,
                "code": "registration_closed",
                "message": "This workshop has been cancelled.",
            },
        ),
        (
            InvalidTransition("Cannot."),
            {"field": None, "code": "invalid_transition", "message": "Cannot."},
        ),
        (
            AttendanceRefused("session", "This session is cancelled."),
            {"field": "session", "code": "refused", "message": "This session is cancelled."},
        ),
        (
            FeedbackError("Closed.", code="closed"),
            {"field": None, "code": "closed", "message": "Closed."},
        ),
    ],
)
def test_every_services_refusal_is_one_shape(refusal, row):
    assert isinstance(refusal, ValidationError)
    assert error_rows(refusal) == [row]
    assert str(refusal) == row["message"]


def test_a_submission_refused_lists_each_rule_in_order():
    refused = SubmissionRefused(
        [
            FeedbackError("Answer it.", code="required", field="q1"),
            FeedbackError("1 to 5.", code="range", field="q2"),
        ]
    )
    assert error_rows(refused) == [
        {"field": "q1", "code": "required", "message": "Answer it."},
        {"field": "q2", "code": "range", "message": "1 to 5."},
    ]


def test_a_refusal_lands_beside_its_field_or_on_the_whole_form():
    form = bound_form()
    add_to_form(form, Refusal("Too few seats.", field="capacity"))
    add_to_form(form, Refusal("Not now."))
    add_to_form(form, AttendanceRefused("session", "Cancelled."))  # no such field: the whole
    add_to_form(form, ValidationError({"number": ["Odd."]}), {"number": "seats"})
    assert form.errors == {
        "capacity": ["Too few seats."],
        "__all__": ["Not now.", "Cancelled."],
        "seats": ["Odd."],
    }


def test_several_refusals_are_one_refusal_with_a_field_code_and_message_each():
    refused = Refusals(
        [
            Refusal("Too few seats.", field="capacity", code="below_confirmed"),
            Refusals([Refusal("Odd.", field="seats", code="odd"), Refusal("Not now.")]),
        ]
    )
    assert isinstance(refused, Refusal)
    assert error_rows(refused) == [
        {"field": "capacity", "code": "below_confirmed", "message": "Too few seats."},
        {"field": "seats", "code": "odd", "message": "Odd."},
        {"field": None, "code": "refused", "message": "Not now."},
    ]
    assert (refused.field, refused.code, refused.message) == (
        "capacity",
        "below_confirmed",
        "Too few seats.",
    )
    # As Django holds them: by field, and on the whole thing for those without one.
    assert refused.message_dict == {
        "capacity": ["Too few seats."],
        "seats": ["Odd."],
        "__all__": ["Not now."],
    }
    form = bound_form()
    add_to_form(form, refused)
    assert form.errors == {
        "capacity": ["Too few seats."],
        "seats": ["Odd."],
        "__all__": ["Not now."],
    }
    fieldless = Refusals([Refusal("One."), Refusal("Two.", code="two")])
    assert not hasattr(fieldless, "error_dict")
    assert fieldless.messages == ["One.", "Two."]


@pytest.mark.django_db
def test_a_timetable_refusal_is_a_refusal_per_message_by_field(workshop):
    hall = Room.objects.create(name="Hall A", venue="Guesthouse")
    factories.session(workshop, title="Opening", starts_at=at(27, 9), ends_at=at(27, 10), room=hall)
    with pytest.raises(Refusal) as one:
        services.check_session(
            workshop=workshop, starts_at=at(27, 9, 30), ends_at=at(27, 11), room=hall
        )
    busy = (
        "Hall A, Guesthouse is also booked for “Opening” "
        "(National Anti-Trafficking Workshop, Monday 27 August 2007, 09:00)."
    )
    assert one.value.rows() == [{"field": "room", "code": "invalid", "message": busy}]
    assert one.value.message_dict == {"room": [busy]}  # as the forms and the admin show it

    with pytest.raises(Refusal) as batch:
        services.check_sessions(
            workshop=workshop,
            drafts=[
                services.SessionDraft(at(27, 11), at(27, 10), title="Backwards"),
                services.SessionDraft(at(27, 9), at(27, 10), hall, title="Twice"),
            ],
        )
    assert batch.value.rows() == [
        {"field": None, "code": "invalid", "message": f"“{title}”: {message}"}
        for title, message in [
            ("Backwards", "A session must end after it starts."),
            ("Twice", busy),
        ]
    ]
    assert batch.value.messages == [row["message"] for row in batch.value.rows()]


@pytest.mark.django_db
def test_the_account_services_refuse_as_every_service_does(django_user_model):
    django_user_model.objects.create_user("li.mei")
    with pytest.raises(Refusal) as taken:
        services.check_account(user=django_user_model(username="LI.MEI"), password=None)
    assert taken.value.rows() == [
        {
            "field": "username",
            "code": "unique",
            "message": "A user with that username already exists.",
        }
    ]
    with pytest.raises(Refusal) as weak:
        services.check_password_rules(user=django_user_model(username="wang"), password="1234")
    rows = weak.value.rows()
    assert {row["field"] for row in rows} == {"password"}
    assert {"password_too_short", "password_entirely_numeric"} <= {row["code"] for row in rows}
    assert weak.value.message_dict == {"password": [row["message"] for row in rows]}
