"""One shape of refusal: every service's error is a Refusal, shown by one helper on a form
and by one in the API."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from config.refusals import Refusal, add_to_form, error_rows
from feedback.services import FeedbackError, SubmissionRefused
from participants.attendance import AttendanceRefused
from participants.services import InvalidTransition, RegistrationClosed, RegistrationError


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
