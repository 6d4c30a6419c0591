"""The address a request came from, as far as we can trust it.

Used by the registration form's rate limit and by the sign-in lockout (django-axes), so that
both count the same address.

Behind ``TRUSTED_PROXY_COUNT`` proxies of ours, each proxy appends the address it received
the request from to ``X-Forwarded-For``: the client's address is the one the outermost proxy
appended, the n-th entry from the right. Everything left of it was written by the client and
is ignored, whatever it says. A request with fewer entries than there are proxies did not
come through them all; it counts as its ``REMOTE_ADDR``.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """The address in ``value``, normalised, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        entries = [entry.strip() for entry in forwarded if entry.strip()]
        if len(entries) >= count:
            return _address(entries[-count]) or remote
        return remote
    header = settings.CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        # A proxy that sets this header overwrites it; if a list arrives anyway, the entry
        # nearest to us is the one our proxy wrote.
        return _address(request.META[header].split(",")[-1]) or remote
    return remote
