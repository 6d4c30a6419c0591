from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.certificates import revoke_certificate
from reports.models import Certificate


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
