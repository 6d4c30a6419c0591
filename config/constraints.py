"""Named constraints whose violation a form shows next to the field it is about.

Django 5.2 reports a check constraint, and a unique constraint on several fields or on an
expression, as an error about the whole object ("Constraint “…” is violated." unless given
a message). These put the message on ``violation_error_field``, so that the admin, the
organiser's forms (through ``ServiceErrorsMixin``) and the API show it where the rule is.

A form validates a constraint only when all the fields it reads are on the form (Django
skips it otherwise), so the field named here is always one the form has.

Here, among the helpers every app may call (config): every app's models name their rules
with them. ``events.constraints`` re-exports them for the migrations written before.
"""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.utils import DEFAULT_DB_ALIAS


class _ReportedOnField:
    # Where the error is shown is no business of the database's: changing it alters the
    # migration state only, as a message does.
    non_db_attrs = (*models.BaseConstraint.non_db_attrs, "violation_error_field")

    def __init__(self, *args, violation_error_field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.violation_error_field = violation_error_field

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.violation_error_field: error}) from None

    def _check(self, model, connection):
        errors = super()._check(model, connection)
        try:
            model._meta.get_field(self.violation_error_field)
        except FieldDoesNotExist:
            errors.append(
                checks.Error(
                    f"Constraint {self.name!r} reports on {self.violation_error_field!r}, "
                    "which is not a field of the model.",
                    obj=model,
                    id="events.E001",  # its id from when it lived in events
                )
            )
        return errors

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["violation_error_field"] = self.violation_error_field
        return path, args, kwargs

    def __eq__(self, other):
        equal = super().__eq__(other)
        if equal is NotImplemented or not equal:
            return equal
        return self.violation_error_field == getattr(other, "violation_error_field", None)


class FieldCheckConstraint(_ReportedOnField, models.CheckConstraint):
    """A ``CheckConstraint`` whose violation is an error on ``violation_error_field``."""


class FieldUniqueConstraint(_ReportedOnField, models.UniqueConstraint):
    """A ``UniqueConstraint`` whose violation is an error on ``violation_error_field``."""
