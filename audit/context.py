"""Who is acting, and from where, for the audit trail's records.

django-auditlog takes the actor from a context its middleware opens for each request
(``audit.middleware.AuditMiddleware``). What it does not know is *where* a change came from:
the organiser's pages, the admin, an import, the API, the public or personal pages, or a
command. That is kept here, in a context variable read when each record is written
(``audit.registry``). Commands and imports say it explicitly with :func:`acting`; outside any
request and any ``acting`` block a change counts as made by a command.
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import auditlog_value, set_actor

# Where the change comes from; see VIA_LABELS in audit.queries for the names shown.
_via: ContextVar[str] = ContextVar("audit_via", default="command")


def current_via() -> str:
    return _via.get()


@contextlib.contextmanager
def acting(*, actor=None, via: str):
    """Record changes inside the block as made by ``actor`` (a user, or None) from ``via``.

    ``via`` is "command:<name>" for a management command, "import" for an import, and so
    on. Inside a request the request's actor is kept unless another is given.
    """
    token = _via.set(via)
    try:
        if actor is None and _request_context() is not None:
            yield
        else:
            with set_actor(actor):
                yield
    finally:
        _via.reset(token)


@contextlib.contextmanager
def via(name: str):
    """Only the origin: the actor stays whoever the surrounding context says."""
    token = _via.set(name)
    try:
        yield
    finally:
        _via.reset(token)


def _request_context() -> dict | None:
    try:
        return auditlog_value.get()
    except LookupError:
        return None


def set_request_actor(user) -> None:
    """Name ``user`` as the actor of the current request's changes.

    For authentication that happens in the view, after the middleware looked at
    ``request.user``: the API's tokens (integrations.authentication).
    """
    context = _request_context()
    if context is not None and getattr(user, "is_authenticated", False):
        context["actor"] = user
