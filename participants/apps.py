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
        # The models themselves, not self.get_model(): ready() runs again in the tests'
        # isolated app registries, which hold none of them.
        from audit.registry import follow
        from participants.models import Attendance, Participant, Registration

        follow(Participant, filed_under=lambda _person: (None, None))
        follow(
            Registration,
            filed_under=lambda registration: (registration.workshop_id, registration.pk),
            exclude_fields=["token", "feed_token"],
        )
        follow(
            Attendance,
            filed_under=lambda mark: (mark.session.workshop_id, mark.registration_id),
        )
