"""The request's actor, address and origin for the audit trail."""

from auditlog.middleware import AuditlogMiddleware

from audit.context import _via
from config.client_address import client_address


def origin_of(path: str) -> str:
    """Where a change made by a request to ``path`` comes from (see audit.queries.VIA_LABELS)."""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/organise/"):
        return "import" if "/import/" in path else "organiser"
    if path.startswith(("/r/", "/t/", "/checkin/")):
        return "personal"
    return "public"


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with our trusted client address and the origin.

    auditlog's own reads the first X-Forwarded-For entry, which the client writes; ours is
    the one our proxies vouch for (config.client_address), as for rate limits and lockouts.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request) or None

    def __call__(self, request):
        token = _via.set(origin_of(request.path_info))
        try:
            return super().__call__(request)
        finally:
            _via.reset(token)
