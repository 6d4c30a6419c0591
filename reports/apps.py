from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from config import shell
        from reports import document_views

        shell.add_link("dashboard", _("Dashboard"), "reports:dashboard", order=10)
        shell.add_tab("attendance", _("Attendance"), "reports:attendance", order=60)
        shell.add_tab("report", _("Report"), "reports:report", order=80)
        shell.name_page("dashboard", "reports:dashboard")
        shell.name_page("workshop_attendance", "reports:attendance")
        shell.add_personal_section(
            "certificate",
            "reports/personal_certificate.html",
            document_views.personal_section,
            order=20,
        )
