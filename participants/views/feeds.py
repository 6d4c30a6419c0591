"""A registration's personal calendar feed, behind its own secret link.

Which sessions it holds is ``participants.queries.registration_sessions``: that workshop's,
nothing of the person's other workshops. The calendar itself is built and served by
``events``, which knows nothing of participants. Organisers replace the link together with
the personal page's ("New personal links" on the roster).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events.feeds import feed_tag, load_calendar_sessions, versioned_calendar_response
from participants.models import Registration
from participants.queries import registration_sessions


@require_safe
def participant_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The sessions of one registration's workshop while it is confirmed; else empty.

    Queries: the registration by token with its workshop (and the calendar version), the
    first-served time; unless the answer is 304, the sessions with what the builder reads
    (three) and the body. A replaced token finds nothing: 404 at once.
    """
    # get(), not first(): the token is unique, and first() would sort the one row by the
    # registrations' own order (the workshop's date and title, then created_at).
    registration = get_object_or_404(
        Registration.objects.select_related("workshop"), feed_token=token
    )
    workshop = registration.workshop
    # What the feed holds follows the workshop's version and the registration's status
    # (registration_sessions: a confirmed registration's workshop, none otherwise).
    return versioned_calendar_response(
        request,
        tag=feed_tag(
            f"p{registration.pk}-{registration.status}-w{workshop.pk}", workshop.calendar_version
        ),
        load=lambda: load_calendar_sessions(registration_sessions(registration)),
        name=_("My workshop sessions"),
        filename="workshop-sessions.ics",
        changed_at=max(workshop.updated_at, registration.status_changed_at),
        attachment="download" in request.GET,
    )
