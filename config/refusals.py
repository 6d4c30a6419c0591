"""A refusal has one shape everywhere: the field at fault, the rule, and why.

Every service of every app raises a :class:`Refusal` (or a ``ValidationError``, which Django's
own validation raises and which a Refusal is) when a rule says no; several rules at once, a
:class:`Refusals` (a Refusal too), each with its own field, code and message. It reaches
people in one of two ways, each written once: on a form, beside the field it is about
(:func:`add_to_form`), or as a 400 of the API, as ``{"field", "code", "message"}`` rows
(:func:`error_rows`, used by ``integrations.rest.exception_handler``).

Here, among the helpers every app may call (config), so that every app may import it.
"""

from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Refusal(ValidationError):
    """A rule said no: ``message`` says why, for a person; ``field`` is what it is about
    (None: the whole thing); ``code`` names the rule, for the API's clients.

    A ``ValidationError``, so that forms, the admin and the API's handler take it as they
    take the model's own validation.
    """

    default_code = "refused"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        code = code or self.default_code
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.message = message
        self.field = field or None
        self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def rows(self) -> list[dict]:
        return [{"field": self.field, "code": self.code, "message": str(self.message)}]


class Refusals(Refusal):
    """Several rules said no at once (a form's fields, the rows of a batch): ``refusals``,
    each a :class:`Refusal` with its own field, code and message, in order. ``rows()`` is
    every one; ``message``, ``field`` and ``code`` are the first's.

    As a ``ValidationError`` its messages are every refusal's: by field (those without a
    field on the whole thing) when any has a field, else a list, as Django would hold them.
    """

    def __init__(self, refusals: Sequence[Refusal]):
        refusals = [part for refusal in refusals for part in _parts(refusal)]
        if not refusals:
            raise ValueError("Refusals needs at least one refusal")
        each = [(r.field, ValidationError(r.message, code=r.code)) for r in refusals]
        if any(field for field, _ in each):
            by_field: dict[str, list[ValidationError]] = {}
            for field, error in each:
                by_field.setdefault(field or NON_FIELD_ERRORS, []).append(error)
            ValidationError.__init__(self, by_field)
        else:
            ValidationError.__init__(self, [error for _, error in each])
        self.refusals = refusals
        first = refusals[0]
        self.message, self.field, self.code = first.message, first.field, first.code

    __str__ = ValidationError.__str__

    def rows(self) -> list[dict]:
        return [row for refusal in self.refusals for row in refusal.rows()]


def _parts(refusal: Refusal) -> list[Refusal]:
    return refusal.refusals if isinstance(refusal, Refusals) else [refusal]


def error_rows(error: ValidationError) -> list[dict]:
    """The refusal as the API shows it: one ``{"field", "code", "message"}`` per message."""
    if isinstance(error, Refusal):
        return error.rows()
    if hasattr(error, "error_dict"):
        return [
            {
                "field": None if field == "__all__" else field,
                "code": e.code or "invalid",
                "message": " ".join(e.messages),
            }
            for field, errors in error.error_dict.items()
            for e in errors
        ]
    return [
        {"field": None, "code": e.code or "invalid", "message": " ".join(e.messages)}
        for e in error.error_list
    ]


def add_to_form(form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on ``form``: each message beside the form field it is about
    (``fields`` maps a model's field name to the form's, where they differ), on the form as
    a whole when the form has no such field."""
    fields = fields or {}
    if isinstance(error, Refusal):
        for row in error.rows():
            name = fields.get(row["field"], row["field"])
            form.add_error(name if name in form.fields else None, row["message"])
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = fields.get(name, name)
        form.add_error(field if field in form.fields else None, errors)
