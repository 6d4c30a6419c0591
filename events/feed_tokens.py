"""The secret links of trainers' calendar feeds: who may replace one, and replacing it."""

from django.db.models import QuerySet

from events.models import Trainer, Workshop
from events.tokens import new_token


def trainers_feed_managed_by(user) -> QuerySet[Trainer]:
    """Trainers whose calendar link ``user`` may replace.

    A superuser: every trainer. An organiser: the trainers teaching a session in a workshop
    they organise (any status), since those are the people they send links to.
    """
    if not user.is_authenticated:
        return Trainer.objects.none()
    if user.is_superuser:
        return Trainer.objects.all()
    return Trainer.objects.filter(
        sessions__workshop__in=Workshop.objects.organised_by(user)
    ).distinct()


def reissue_trainer_feed(*, trainer: Trainer) -> str:
    """Give ``trainer`` a new calendar link and return its token; the old link is dead at once.

    The feed looks the token up on every request, so nothing else needs invalidating.
    """
    trainer.feed_token = new_token()
    trainer.save(update_fields=["feed_token"])
    return trainer.feed_token
