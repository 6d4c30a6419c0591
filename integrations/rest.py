"""What every endpoint under /api/v1/ shares: token authentication, the read-only rule of
tokens, the one error format, pagination, and Idempotency-Key on POST.

The error format, for every refusal: ``{"errors": [{"field": ..., "code": ..., "message":
...}]}``: ``field`` names the field of the request (``marks.1.status`` inside lists), or is
null when the whole request is refused; ``code`` names the rule (``required``, ``max_length``,
``registration_closed``, ``not_found`` ...); ``message`` says it for a person.
"""

import hashlib
import time

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, filters, pagination, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from config.refusals import error_rows
from integrations.authentication import TokenMayWrite
from integrations.models import IdempotencyKey

# --- Errors -----------------------------------------------------------------------------


def refusal(field: str | None, code: str, message: str) -> exceptions.ValidationError:
    """A refusal in the one format, for a view to raise."""
    error = exceptions.ValidationError({field or "__all__": [message]})
    error.flat = [{"field": field, "code": code, "message": str(message)}]
    return error


def validated(serializer_class, request) -> dict:
    """The body of an action's ``request`` as ``serializer_class`` reads it; a 400 naming
    every problem if it does not."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _flatten(detail, field: str | None = None) -> list[dict]:
    if isinstance(detail, dict):
        rows = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else key
            rows += _flatten(value, f"{field}.{name}" if field and name else (name or field))
        return rows
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [
                {"field": field, "code": getattr(item, "code", "invalid"), "message": str(item)}
                for item in detail
            ]
        rows = []
        for index, item in enumerate(detail):
            rows += _flatten(item, f"{field}.{index}" if field else str(index))
        return rows
    return [{"field": field, "code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def exception_handler(exc, context):
    """DRF's handler, with our services' refusals turned into 400s, and one body shape."""
    # Every service's refusal is a ValidationError (``config.refusals.Refusal``), in rows.
    flat = error_rows(exc) if isinstance(exc, DjangoValidationError) else None
    if flat is not None:
        exc = exceptions.ValidationError(flat)
        exc.flat = flat
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = getattr(exc, "flat", None)
    if errors is None:
        if isinstance(exc, exceptions.ValidationError):
            errors = _flatten(exc.detail)
        else:
            detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
            errors = [
                {
                    "field": None,
                    "code": getattr(detail, "code", exc.__class__.__name__),
                    "message": str(detail),
                }
            ]
    response.data = {"errors": errors}
    return response


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The field refused, or null.")
    code = serializers.CharField(help_text="The rule: required, max_length, not_found …")
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


# --- Fast rows ----------------------------------------------------------------------------


def moment_formatter():
    """A function writing an aware datetime as DRF's DateTimeField does (ISO 8601 in the
    current time zone, ``Z`` for UTC; None stays None), for lists that build their rows
    themselves: DRF's field looks the time zone and the settings up again for every value,
    which costs a page of 100 rows more than its query (bench/api_lists.py)."""
    zone = timezone.get_current_timezone()

    def moment(value):
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return moment


# --- Pagination ---------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CursorPagination(pagination.CursorPagination):
    """For the lists that grow with a workshop (sessions, registrations, attendance): ``next``
    and ``previous`` are opaque cursors, with no total, so a page costs no COUNT over the
    whole list and stays the same page while rows are added before it (a page number would
    shift). The order is the view's ``ordering`` (or its ``?ordering=``); rows sharing a
    position are told apart by an offset within it."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_ordering(self, request, queryset, view):
        self.ordering = getattr(view, "ordering", None) or self.ordering
        return super().get_ordering(request, queryset, view)


# --- Idempotency-Key ----------------------------------------------------------------------

# How long a second request with a key waits for the first to finish before it is told so.
IDEMPOTENCY_WAIT = 10.0


class IdempotencyConflict(exceptions.APIException):
    status_code = 409
    default_code = "idempotency_in_progress"
    default_detail = "A request with this Idempotency-Key is still being handled; try again."


class _Replay(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def _stored(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(row.response_body), status=row.status_code, content_type=row.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotentMixin:
    """Any POST may carry ``Idempotency-Key``: the first request with a key claims it by
    inserting a row (unique per user and key) before it is handled; its answer is kept on the
    row. A repeat, even one arriving while the first is still running, waits for that answer
    and gets it again, changing nothing. The same key with another body answers 422."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency = None
        if not TokenMayWrite().has_permission(request, self):
            raise exceptions.PermissionDenied(TokenMayWrite.message)
        if getattr(self, request.method.lower(), None) is not None:
            check_query(self, request)
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None:
            return
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise refusal(
                "Idempotency-Key", "invalid", _("An Idempotency-Key has 1 to 255 characters.")
            )
        user = request.user
        scope = f"user:{user.pk}" if user.is_authenticated else "anonymous"
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.path.encode(), request.body])
        ).hexdigest()
        try:
            with transaction.atomic():
                self._idempotency = IdempotencyKey.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint
                )
            return
        except IntegrityError:
            pass
        deadline = time.monotonic() + IDEMPOTENCY_WAIT
        while True:
            row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if row is None:  # the first failed and let go of the key: handle this one
                return self.initial(request, *args, **kwargs)
            if row.fingerprint != fingerprint:
                raise refusal(
                    "Idempotency-Key",
                    "idempotency_mismatch",
                    _("This Idempotency-Key was used for another request."),
                )
            if row.status_code is not None:
                raise _Replay(_stored(row))
            if time.monotonic() > deadline:
                raise IdempotencyConflict()
            time.sleep(0.05)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claimed = getattr(self, "_idempotency", None)
        if claimed is None:
            return response
        self._idempotency = None
        if response.status_code >= 500:
            # Nothing to replay: let a retry run.
            IdempotencyKey.objects.filter(pk=claimed.pk).delete()
            return response
        response.render()
        IdempotencyKey.objects.filter(pk=claimed.pk).update(
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", ""),
        )
        return response


# --- Strict input -------------------------------------------------------------------------
# DRF turns 0 into "0" for a text field and "5" into 5 for a number; the schema promises a
# string and an integer, and a client sending the other has a bug it should hear about.


# The largest primary key (BigAutoField): a larger number is refused before any query.
MAX_ID = 2**63 - 1


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose text, number and yes/no fields take only their own JSON type."""

    serializer_related_field = StrictPrimaryKeyRelatedField


_mapping = dict(serializers.ModelSerializer.serializer_field_mapping)
for _model_field, _field in list(_mapping.items()):
    if _field is serializers.CharField:
        _mapping[_model_field] = StrictCharField
    elif _field is serializers.IntegerField:
        _mapping[_model_field] = StrictIntegerField
    elif _field is serializers.BooleanField:
        _mapping[_model_field] = StrictBooleanField
StrictModelSerializer.serializer_field_mapping = _mapping


# --- Query parameters ---------------------------------------------------------------------


def check_query(view, request) -> None:
    """Refuse a query parameter the endpoint does not document, given twice, or of the wrong
    kind: ``view.query_filters`` maps each of the endpoint's own to ``int``, ``str`` or a
    tuple of the values allowed; lists add ``page`` (or ``cursor``, for those paged by
    cursor), ``page_size``, and ``ordering`` and ``search`` where they offer them. A cursor
    is the paginator's to read: a forged one is refused there, as "Invalid cursor"."""
    allowed = dict(getattr(view, "query_filters", {}))
    paged = getattr(view, "pagination_class", None)
    if getattr(view, "action", None) == "list" and paged:
        by_cursor = issubclass(paged, pagination.CursorPagination)
        allowed |= {"cursor" if by_cursor else "page": str if by_cursor else int, "page_size": int}
    for backend in getattr(view, "filter_backends", ()):
        if backend is filters.OrderingFilter:
            names = tuple(getattr(view, "ordering_fields", ()))
            allowed["ordering"] = names + tuple(f"-{name}" for name in names)
        if backend is filters.SearchFilter:
            allowed["search"] = str
    for name in request.query_params:
        values = request.query_params.getlist(name)
        kind = allowed.get(name)
        if kind is None:
            raise refusal(name, "unknown_parameter", _("This endpoint takes no such parameter."))
        if len(values) > 1:
            raise refusal(name, "repeated_parameter", _("Give this parameter once."))
        value = values[0]
        if kind is int and not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
            raise refusal(name, "invalid", _("A whole number, 1 or more."))
        if isinstance(kind, tuple) and value not in kind:
            raise refusal(
                name, "invalid_choice", _("One of: %(values)s.") % {"values": ", ".join(kind)}
            )


# --- Answers before DRF's: the same error format ----------------------------------------


def api_error(field, code: str, message: str, status: int) -> JsonResponse:
    """An answer in the API's one error format, for what answers before DRF does."""
    return JsonResponse(
        {"errors": [{"field": field, "code": code, "message": str(message)}]}, status=status
    )


def not_found(request, exception):
    """Under /api/, the API's error format; elsewhere, the site's page."""
    if request.path.startswith("/api/"):
        return api_error(None, "not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_error(None, "server_error", _("Server error."), 500)
    return defaults.server_error(request)


def impossible_text(field: str) -> JsonResponse:
    """A NUL byte or a lone surrogate in a query or field of an API request."""
    return api_error(
        field, "impossible_text", _("This text holds a character no record can store."), 400
    )
