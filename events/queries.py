"""Who may see what, for events: one named function per rule, used by views and API alike."""

from django.http import Http404

from events.models import Workshop


def organised_workshops(user):
    """Workshops ``user`` may plan and change: all for a superuser, else those they organise."""
    return Workshop.objects.organised_by(user)


def get_organised_workshop(user, slug: str) -> Workshop:
    """The workshop ``slug`` if ``user`` organises it; 404 otherwise, revealing nothing.

    Strangers, participants, funders and other workshops' organisers all get the same 404,
    so a link cannot be used to learn that a workshop exists.
    """
    try:
        return organised_workshops(user).get(slug=slug)
    except Workshop.DoesNotExist:
        raise Http404 from None
