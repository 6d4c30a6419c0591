"""Who may use the API's events endpoints: the pages' rules (``events.queries``), as DRF
permissions."""

from rest_framework import permissions
from rest_framework.exceptions import NotFound

from events.queries import is_organiser


class IsOrganiser(permissions.BasePermission):
    """The organisers' directories (agencies, trainers, rooms) and making workshops: for
    organisers (``events.queries.is_organiser``). Anyone else signed in is told "not found",
    as the pages tell them; someone not signed in is asked to."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if not is_organiser(request.user):
            raise NotFound()
        return True


class ReadsAreOpen(permissions.BasePermission):
    """Reading is for anyone (the queryset holds only what the user may see); writing needs
    a signed-in user, whose rights the view then checks against the workshop."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated
