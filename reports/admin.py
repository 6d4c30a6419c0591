from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.certificates import revoke_certificate
from reports.models import Certificate, Report, ReportDelivery, ReportLink
from reports.services import revoke_report_link


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued by the rules (reports.certificates), never typed in here;
    the admin lists them and revokes them."""

    list_display = ("code", "name", "name_local", "workshop", "issued_at", "revoked_at")
    list_filter = ("registration__workshop", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "name", "name_local")
    list_select_related = ("registration__workshop",)
    readonly_fields = (
        "registration",
        "code",
        "name",
        "name_local",
        "time_attended",
        "issued_at",
        "revoked_at",
        "revoked_by",
    )
    fields = (*readonly_fields, "revocation_reason")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("workshop"), ordering="registration__workshop__title")
    def workshop(self, certificate):
        return certificate.registration.workshop

    @admin.action(description=_("Revoke the selected certificates"))
    def revoke(self, request, queryset):
        count = 0
        for certificate in queryset.filter(revoked_at__isnull=True):
            revoke_certificate(certificate=certificate, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)s certificate revoked.", "%(count)s certificates revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The organiser's text of a report; publishing goes through the report page (it sends
    e-mails), so version and dates are read-only here."""

    list_display = ("workshop", "version", "published_at")
    list_select_related = ("workshop",)
    search_fields = ("workshop__title", "workshop__slug")
    readonly_fields = ("workshop", "version", "published_at", "published_by")


@admin.register(ReportLink)
class ReportLinkAdmin(admin.ModelAdmin):
    """Shared links: their secret is not stored, so a link is only listed and revoked."""

    list_display = ("__str__", "report", "created_at", "expires_at", "revoked_at")
    list_select_related = ("report__workshop",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("label", "report__workshop__title")
    readonly_fields = ("report", "label", "created_by", "created_at", "expires_at", "revoked_at")
    exclude = ("token_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request, queryset):
        for link in queryset:
            revoke_report_link(link=link)
        self.message_user(request, _("The selected links no longer work."), messages.SUCCESS)


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    """Who was sent which version of a report, when: a log, read-only."""

    list_display = ("email", "report", "version", "language", "status", "queued_at", "sent_at")
    list_select_related = ("report__workshop",)
    list_filter = ("status", "language")
    search_fields = ("email", "report__workshop__title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
