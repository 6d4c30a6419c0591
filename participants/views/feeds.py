"""A participant's personal calendar feed, and organisers replacing its secret link.

Which sessions a person's calendar holds is ``participants.queries.participant_sessions``;
the calendar itself is built and served by ``events``, which knows nothing of participants.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from events.feeds import back_to, calendar_response, load_calendar_sessions
from participants.feed_tokens import participants_feed_managed_by, reissue_participant_feed
from participants.models import Participant
from participants.queries import participant_sessions


@require_safe
def participant_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's sessions, behind their secret link; nothing about anyone else.

    Queries: the participant by token, then the sessions with what the builder reads (three).
    A replaced token finds nobody: 404 at once.
    """
    participant = get_object_or_404(Participant, feed_token=token)
    return calendar_response(
        request,
        load_calendar_sessions(participant_sessions(participant)),
        name=_("My workshop sessions"),
        filename="workshop-sessions.ics",
        attachment="download" in request.GET,
    )


@login_required
@require_POST
def participant_feed_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a participant's calendar link; the old one answers 404 from now on.

    Allowed for an organiser of a workshop the person is registered in, and for superusers;
    anyone else gets 404, as if the person did not exist.
    """
    participant = get_object_or_404(participants_feed_managed_by(request.user), pk=pk)
    reissue_participant_feed(participant=participant)
    messages.success(
        request,
        _("%(name)s has a new calendar link; the old link no longer works.")
        % {"name": participant.name},
    )
    return redirect(back_to(request, "reports:dashboard"))
