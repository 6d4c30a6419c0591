"""Constraints that report a violation on one field, so that forms show it next to it."""

from datetime import date

import pytest
from django import forms
from django.db import models
from django.db.models import Q
from django.test.utils import isolate_apps

from config import constraints, tokens
from config.constraints import FieldCheckConstraint
from events import constraints as kept_constraints
from events import tokens as kept_tokens
from events.models import Workshop


class WorkshopDatesForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "slug", "start_date", "end_date", "timezone", "capacity", "language"]


def dates_form_data(**values) -> dict:
    return {
        "title": "Lijiang Workshop",
        "slug": "lijiang",
        "start_date": "2007-08-26",
        "end_date": "2007-08-31",
        "timezone": "Asia/Shanghai",
        "capacity": "30",
        "language": "en",
        **values,
    }


@pytest.mark.django_db
def test_field_constraint_refusal_stands_next_to_its_field_in_a_model_form():
    form = WorkshopDatesForm(data=dates_form_data(end_date="2007-08-25", capacity="0"))
    assert form.errors == {
        "end_date": ["The last day cannot come before the first day."],
        "capacity": ["The capacity must be at least one seat."],
    }
    assert form.non_field_errors() == []


@pytest.mark.django_db
def test_field_constraint_is_not_checked_by_a_form_without_its_fields():
    # A form without the end date could not show the error; Django skips the rule instead.
    class TitleForm(forms.ModelForm):
        class Meta:
            model = Workshop
            fields = ["title"]

    backwards = Workshop(start_date=date(2007, 8, 26), end_date=date(2007, 8, 25), capacity=0)
    assert TitleForm(data={"title": "Lijiang Workshop"}, instance=backwards).is_valid()


def test_field_constraint_keeps_its_field_through_a_migration():
    (constraint,) = (
        c for c in Workshop._meta.constraints if c.name == "workshop_ends_on_or_after_start"
    )
    path, _, kwargs = constraint.deconstruct()
    assert path == "config.constraints.FieldCheckConstraint"
    assert kwargs["violation_error_field"] == "end_date"
    assert constraint.clone() == constraint
    assert FieldCheckConstraint(**{**kwargs, "violation_error_field": "start_date"}) != constraint


@pytest.mark.django_db
@isolate_apps("events")
def test_field_constraint_on_a_field_the_model_lacks_fails_the_checks():
    class Booking(models.Model):
        seats = models.PositiveIntegerField()

        class Meta:
            app_label = "events"
            constraints = [
                FieldCheckConstraint(
                    condition=Q(seats__gt=0),
                    name="booking_seats_positive",
                    violation_error_field="places",
                )
            ]

        def __str__(self) -> str:
            return str(self.seats)

    errors = Booking.check(databases=["default"])
    assert [(error.id, error.msg) for error in errors] == [
        (
            "events.E001",
            "Constraint 'booking_seats_positive' reports on 'places', which is not a field "
            "of the model.",
        )
    ]


def test_the_migrations_written_before_the_move_find_the_same_constraints_and_tokens():
    """``events.constraints`` and ``events.tokens`` are kept for the migrations that name
    them: the same classes and function as in config, where the code imports them from."""
    assert kept_constraints.FieldCheckConstraint is constraints.FieldCheckConstraint
    assert kept_constraints.FieldUniqueConstraint is constraints.FieldUniqueConstraint
    assert kept_tokens.new_token is tokens.new_token
