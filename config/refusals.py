"""A refusal has one shape everywhere: the field at fault, the rule, and why.

Every service of every app raises a :class:`Refusal` (or a ``ValidationError``, which Django's
own validation raises and which a Refusal is) when a rule says no. It reaches people in one
of two ways, each written once: on a form, beside the field it is about
(:func:`add_to_form`), or as a 400 of the API, as ``{"field", "code", "message"}`` rows
(:func:`error_rows`, used by ``integrations.rest.exception_handler``).

Here, among the helpers every app may call (config), so that every app may import it.
"""

from django.core.exceptions import ValidationError


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
