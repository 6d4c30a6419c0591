"""The organisers' history pages: a workshop's audit trail, and one registration's."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.queries import registration_history, rows, workshop_history
from events.queries import get_organised_workshop
from participants.queries import get_workshop_registration

PAGE_SIZE = 100


def _page(request, entries, known):
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, rows(page.object_list, known)


@never_cache
@login_required
@require_GET
def workshop_history_page(request, slug):
    """Who changed what in the workshop, when, from where: 100 records a page, newest first.

    Queries: the workshop (with the permission check), the count, the page of records.
    """
    workshop = get_organised_workshop(request.user, slug)
    page, history = _page(request, workshop_history(workshop), [workshop])
    return render(
        request,
        "audit/history.html",
        {"workshop": workshop, "page": page, "history": history, "registration": None},
    )


@never_cache
@login_required
@require_GET
def registration_history_page(request, slug, pk):
    """One registration's records (its details, status and attendance). 404 unless organised."""
    workshop = get_organised_workshop(request.user, slug)
    registration = get_workshop_registration(workshop, pk)
    page, history = _page(
        request,
        registration_history(registration),
        [workshop, registration, registration.participant],
    )
    return render(
        request,
        "audit/history.html",
        {"workshop": workshop, "page": page, "history": history, "registration": registration},
    )
