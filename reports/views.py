from django.shortcuts import render
from django.utils import timezone

from events.queries import organised_workshops
from events.views import organiser_required
from reports import statistics


@organiser_required
def dashboard(request):
    """The organiser's workshops, upcoming, running and past, with their figures and what
    needs doing. Signed-in users who organise nothing (funders) get 404, like strangers."""
    board = statistics.dashboard(organised_workshops(request.user), now=timezone.now())
    return render(request, "reports/dashboard.html", {"board": board})
