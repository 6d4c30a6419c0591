"""The secret links of participants' calendar feeds: who may replace one, and replacing it."""

from django.db.models import QuerySet

from events.models import Workshop
from events.tokens import new_token
from participants.models import Participant


def participants_feed_managed_by(user) -> QuerySet[Participant]:
    """Participants whose calendar link ``user`` may replace.

    A superuser: everyone. An organiser: people registered (in any state) in a workshop they
    organise. Anyone else: nobody.
    """
    if not user.is_authenticated:
        return Participant.objects.none()
    if user.is_superuser:
        return Participant.objects.all()
    return Participant.objects.filter(
        registrations__workshop__in=Workshop.objects.organised_by(user)
    ).distinct()


def reissue_participant_feed(*, participant: Participant) -> str:
    """Give ``participant`` a new calendar link and return its token; the old one is dead.

    The feed looks the token up on every request, so nothing else needs invalidating.
    """
    participant.feed_token = new_token()
    participant.save(update_fields=["feed_token", "updated_at"])
    return participant.feed_token
