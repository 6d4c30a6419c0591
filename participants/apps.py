from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants and registrations")

    def ready(self):
        from config import shell

        shell.add_tab("registrations", _("Registrations"), "participants:registrations", order=40)
        shell.add_tab(
            "import", _("Import nominations"), "participants:nominations_import", order=50
        )
        shell.name_page("workshop_public", "participants:public_workshop")
        shell.name_page("my_registrations", "participants:my_registrations")
        self._follow_in_the_audit_trail()

    def _follow_in_the_audit_trail(self):
        from django.apps import apps

        from audit.registry import follow

        if self.apps is not apps:
            return  # a test's isolated registry (isolate_apps): the site's models only

        follow(self.get_model("Participant"), filed_under=lambda _person: (None, None))
        follow(
            self.get_model("Registration"),
            filed_under=lambda registration: (registration.workshop_id, registration.pk),
            exclude_fields=["token", "feed_token"],
        )
        follow(
            self.get_model("Attendance"),
            filed_under=lambda mark: (mark.session.workshop_id, mark.registration_id),
        )
