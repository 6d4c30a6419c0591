from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail. Left of every domain app: each follows its own models with
    ``audit.registry.follow`` in its ``ready()``; the history pages (``audit.pages``) are
    the only part that reads the domain apps."""

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from config import shell

        shell.add_tab("history", _("History"), "audit:workshop_history", order=100)
        shell.name_page("registration_history", "audit:registration_history")
