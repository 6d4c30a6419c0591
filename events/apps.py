from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Workshops and timetables")

    def ready(self):
        from config import shell

        shell.add_link("trainers", _("Trainers"), "events:trainer_list", order=20)
        shell.add_tab("overview", _("Overview"), "events:workshop_detail", order=10)
        shell.add_tab("timetable", _("Timetable"), "events:timetable", order=20)
        shell.add_tab("agencies", _("Agencies"), "events:workshop_agencies", order=30)
        shell.add_tab("calendar", _("Calendar"), "events:workshop_calendar", order=90)
        self._follow_in_the_audit_trail()
        from events import calendar_versions

        calendar_versions.connect()

    def _follow_in_the_audit_trail(self):
        from django.apps import apps

        from audit.registry import follow

        if self.apps is not apps:
            return  # a test's isolated registry (isolate_apps): the site's models only

        follow(
            self.get_model("Workshop"),
            filed_under=lambda workshop: (workshop.pk, None),
            m2m_fields={"organisers"},
            # The feeds' version counter is bookkeeping, not something anyone changed.
            exclude_fields=["calendar_version"],
        )
        follow(
            self.get_model("Session"),
            filed_under=lambda session: (session.workshop_id, None),
            m2m_fields={"trainers", "topics"},
        )
        follow(self.get_model("WorkshopAgency"), filed_under=lambda role: (role.workshop_id, None))
        trainer = self.get_model("Trainer")
        follow(
            trainer,
            filed_under=lambda _trainer: (None, None),
            # A trainer teaches in many workshops: each one's history shows the trainer's.
            in_workshop_history=lambda workshop: trainer.objects.filter(
                sessions__workshop=workshop
            ).values("pk"),
            exclude_fields=["feed_token", "calendar_version"],
        )
