"""The secret links of trainers' calendar feeds: who may replace one, and replacing it."""

from django.db.models import QuerySet

from config.tokens import new_token
from events.models import Trainer
from events.queries import trainers_managed_by


def trainers_feed_managed_by(user) -> QuerySet[Trainer]:
    """Trainers whose calendar link ``user`` may replace: those they manage (see
    ``events.queries.trainers_managed_by``)."""
    return trainers_managed_by(user)


def reissue_trainer_feed(*, trainer: Trainer) -> str:
    """Give ``trainer`` a new calendar link and return its token; the old link is dead at once.

    The feed looks the token up on every request, so nothing else needs invalidating.
    """
    trainer.feed_token = new_token()
    trainer.save(update_fields=["feed_token"])
    return trainer.feed_token
