"""Pages of the site as a whole rather than of one app."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the proxy's or load balancer's health check: 200 "ok" once the database answers.

    One query (SELECT 1). Served over plain HTTP too (SECURE_REDIRECT_EXEMPT), so a check
    from inside the network needs no certificate; it shows nothing about the site.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok\n", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: the site's icon. The address
    is looked up per request, so a missing static manifest never stops the URLs loading."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
