from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from events.queries import is_organiser, organised_workshops
from reports import statistics


@login_required
def dashboard(request):
    """The organiser's workshops, upcoming, running and past, with their figures and what
    needs doing. Signed-in users who organise nothing (funders) get 404, like strangers."""
    board = statistics.dashboard(organised_workshops(request.user), now=timezone.now())
    # Whoever organises a workshop is an organiser: ask further only when the board is empty.
    if board.is_empty and not is_organiser(request.user):
        raise Http404
    return render(request, "reports/dashboard.html", {"board": board})
