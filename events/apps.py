from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Workshops and timetables")

    def ready(self):
        from events import calendar_versions

        calendar_versions.connect()
