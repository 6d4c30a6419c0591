from django.shortcuts import render

from events.models import Workshop


def home(request):
    """The front page: published workshops, soonest first."""
    workshops = Workshop.objects.public().order_by("-start_date")
    return render(request, "events/home.html", {"workshops": workshops})
