from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from config import shell

        shell.name_page("my_data", "privacy:my_data")
        shell.name_page("registration_erase", "privacy:erase")
