from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """What lets other programs work with ours: API tokens, idempotency keys, webhooks, and the
    helpers of the task queue. Left of every domain app: it imports none of them, they call
    it (``emit``, ``enqueue_on_commit``)."""

    name = "integrations"
    verbose_name = _("API, webhooks and background tasks")

    def ready(self):
        from config import shell
        from integrations import schema  # noqa: F401  (registers the token scheme)

        shell.add_link("webhooks", _("Webhooks"), "integrations:webhooks", order=30)
        shell.add_link("tokens", _("API tokens"), "integrations:tokens", order=40)
