"""The rate limit of every public form and of API tokens: one function, one kind of count.

``rate_limited(request, scope)`` counts one more request of ``scope`` from the client's
address (the one our trusted proxies saw, config.client_address, as for the sign-in
lockout) or from ``key`` (an API token), and answers the seconds to wait when over the
scope's limit, else 0. A fixed window per key: the first request of a window creates its
counter (``add`` does nothing if another server already did), every one increments it; two
cache queries a request. The counts live in the ``rate_limit`` cache (a database table that
never culls a live count, or Redis), shared by every server.

Scopes and their settings (COUNT per WINDOW seconds, both from the environment):

- registration: the registration form and "lost your personal link?"
  (REGISTRATION_RATE_LIMIT_COUNT, _WINDOW);
- feedback: answering a questionnaire (FEEDBACK_RATE_LIMIT_COUNT, _WINDOW);
- verification: the public certificate check (VERIFICATION_RATE_LIMIT_COUNT, _WINDOW);
- password_reset: asking for a reset e-mail (PASSWORD_RESET_RATE_LIMIT_COUNT, _WINDOW);
- api: requests per API token, or per address without one (API_RATE_LIMIT_COUNT, _WINDOW).
"""

import math
import time

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
    # The registration scope keeps the key it always had, so counts survive an upgrade.
    prefix = "registration-rate" if scope == "registration" else f"rate-{scope}"
    cache_key = f"{prefix}:{key or client_address(request)}:{slot}"
    cache = caches["rate_limit"]
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
    """DRF's throttle hook over ``rate_limited``: per API token, else per client address."""

    def allow_request(self, request, view):
        token = getattr(request, "auth", None)
        key = f"token-{token.pk}" if getattr(token, "pk", None) else ""
        self._wait = rate_limited(request._request, "api", key=key)
        return not self._wait

    def wait(self):
        return self._wait
