"""The rate limit of every public form and of API tokens: one function, one kind of count.

``rate_limited(request, scope)`` counts one more request of ``scope`` from the client's
address (the one our trusted proxies saw, config.client_address, as for the sign-in
lockout) or from ``key`` (an API token), and answers the seconds to wait when over the
scope's limit, else 0. A fixed window per key, whose counter lives in the ``rate_limit``
cache, shared by every server: in the database (config/cache.py, a table that never culls
a live count) one upsert statement creates or increments it; in Redis, ``add`` then
``incr``.

Scopes and their settings (COUNT per WINDOW seconds, both from the environment):

- registration: the registration form and "lost your personal link?"
  (REGISTRATION_RATE_LIMIT_COUNT, _WINDOW);
- feedback: answering a questionnaire (FEEDBACK_RATE_LIMIT_COUNT, _WINDOW);
- verification: the public certificate check (VERIFICATION_RATE_LIMIT_COUNT, _WINDOW);
- password_reset: asking for a reset e-mail (PASSWORD_RESET_RATE_LIMIT_COUNT, _WINDOW);
- api: requests per API token (API_RATE_LIMIT_COUNT, _WINDOW).
"""

import math
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from config.client_address import client_address

SCOPES = {
    "registration": "REGISTRATION",
    "feedback": "FEEDBACK",
    "verification": "VERIFICATION",
    "password_reset": "PASSWORD_RESET",
    "api": "API",
}


def limit_of(scope: str) -> tuple[int, int]:
    """(count, window in seconds) of ``scope``."""
    name = SCOPES[scope]
    return (
        getattr(settings, f"{name}_RATE_LIMIT_COUNT"),
        getattr(settings, f"{name}_RATE_LIMIT_WINDOW"),
    )


def rate_limited(request: HttpRequest, scope: str = "registration", *, key: str = "") -> int:
    """Count this request; return the seconds to wait if over ``scope``'s limit, else 0."""
    count_allowed, window = limit_of(scope)
    now = time.time()
    slot = int(now // window)
    cache_key = f"hits-{scope}:{key or client_address(request)}:{slot}"
    cache = caches["rate_limit"]
    if hasattr(cache, "hit"):
        # The database cache (config/cache.py): one upsert statement.
        ends = datetime.fromtimestamp((slot + 1) * window, tz=UTC)
        count = cache.hit(cache_key, ends)
    else:
        # Redis: two round trips, each atomic.
        cache.add(cache_key, 0, timeout=window)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            count = 1
    if count > count_allowed:
        return max(1, math.ceil((slot + 1) * window - now))
    return 0


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 page of a public form: how long to wait; nothing typed was kept."""
    response = render(
        request,
        "participants/public/too_many.html",
        {"minutes": math.ceil(wait / 60)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class ApiRateThrottle(BaseThrottle):
    """DRF's throttle hook over ``rate_limited``: requests made with an API token, per token.

    Requests of the site's own pages (the browser's session) are not counted here, and an
    anonymous registration through the API counts against the registration form's limit
    (participants.api), so neither pays the counter's queries twice.
    """

    def allow_request(self, request, view):
        token = getattr(request, "auth", None)
        if not getattr(token, "pk", None):
            self._wait = 0
            return True
        self._wait = rate_limited(request._request, "api", key=f"token-{token.pk}")
        return not self._wait

    def wait(self):
        return self._wait
