"""The admin for people, registrations and attendance.

A registration changes status only through ``participants.services`` (the admin actions
below), so capacity, the waiting list and the e-mails behave as on the organisers' pages.
"""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import admin as events_admin
from events.admin import apply_each, count_of
from events.models import Workshop
from participants import services
from participants.models import Attendance, Participant, Registration


class RegistrationInline(admin.TabularInline):
    """The person's workshops, to read: registrations change through the actions."""

    model = Registration
    extra = 0
    fields = ["workshop", "status", "source", "created_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("workshop")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """The identity only: what a person told for a workshop is on each registration."""

    list_display = ["email", "registrations_count", "is_sample", "created_at"]
    list_filter = ["is_sample"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RegistrationInline]
    fields = ["email", "is_sample", "created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(registrations_count=count_of(Participant, "registrations"))
        )

    @admin.display(description=_("registrations"), ordering="registrations_count")
    def registrations_count(self, participant):
        return participant.registrations_count


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_local",
        "email",
        "workshop",
        "status",
        "source",
        "nominated_by",
        "waitlisted_at",
        "created_at",
    ]
    list_select_related = ["participant", "workshop", "nominated_by"]
    list_filter = ["status", "source", "gender", "preferred_language", "workshop"]
    search_fields = [
        "name",
        "name_local",
        "participant__email",
        "phone",
        "position",
        "agency_name",
        "agency__name",
        "agency__acronym",
        "workshop__title",
    ]
    autocomplete_fields = ["agency", "nominated_by"]
    # Who and where are fixed; the status moves only through the actions, under the rules.
    readonly_fields = [
        "workshop",
        "participant",
        "status",
        "source",
        "waitlisted_at",
        "status_changed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields[:4]}),
        (
            _("What they told for this workshop"),
            {
                "fields": [
                    "name",
                    "name_local",
                    "gender",
                    "preferred_language",
                    "agency",
                    "agency_name",
                    "position",
                    "region",
                    "phone",
                ]
            },
        ),
        (None, {"fields": ["nominated_by", *readonly_fields[4:]]}),
    ]
    actions = [
        "approve",
        "put_on_waiting_list",
        "decline",
        "cancel",
        "revoke_link",
    ]

    def has_add_permission(self, request):
        # People register on the workshop's page, or organisers add and import them there.
        return False

    @admin.display(description=_("e-mail"), ordering="participant__email")
    def email(self, registration):
        return registration.participant.email

    def _apply(self, request, queryset, decide, done) -> None:
        apply_each(
            request,
            queryset.select_related("participant", "workshop"),
            decide,
            done,
            refusals=(services.RegistrationError,),
            describe=lambda r: f"{r.name}, {r.workshop.title}",
        )

    @admin.action(description=_("Approve selected registrations (a seat, or the waiting list)"))
    def approve(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.approve_registration(registration=r, by=request.user),
            lambda n: ngettext(
                "Approved %(count)d registration.", "Approved %(count)d registrations.", n
            ),
        )

    @admin.action(description=_("Put selected registrations on the waiting list"))
    def put_on_waiting_list(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.waitlist_registration(registration=r, by=request.user),
            lambda n: ngettext(
                "Put %(count)d registration on the waiting list.",
                "Put %(count)d registrations on the waiting list.",
                n,
            ),
        )

    @admin.action(description=_("Decline selected registrations"))
    def decline(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.decline_registration(registration=r, by=request.user),
            lambda n: ngettext(
                "Declined %(count)d registration.", "Declined %(count)d registrations.", n
            ),
        )

    @admin.action(description=_("Cancel selected registrations (frees their seats)"))
    def cancel(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.cancel_registration(registration=r, by=request.user),
            lambda n: ngettext(
                "Cancelled %(count)d registration.", "Cancelled %(count)d registrations.", n
            ),
        )

    @admin.action(description=_("Send new personal links (the old ones stop working)"))
    def revoke_link(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda r: services.revoke_registration_link(registration=r),
            lambda n: ngettext(
                "Sent a new personal link for %(count)d registration.",
                "Sent new personal links for %(count)d registrations.",
                n,
            ),
        )


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = [
        "participant",
        "session",
        "session_start",
        "workshop",
        "status",
        "recorded_at",
        "recorded_by",
    ]
    list_select_related = ["registration", "session__workshop", "recorded_by"]
    list_filter = ["status", "session__workshop"]
    search_fields = [
        "registration__name",
        "registration__name_local",
        "session__title",
    ]
    autocomplete_fields = ["registration", "session", "recorded_by"]
    readonly_fields = ["recorded_at"]

    def get_queryset(self, request):
        # The change page's title names who, at which session.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related, "registration__participant")
        )

    @admin.display(description=_("participant"), ordering="registration__name")
    def participant(self, attendance):
        return attendance.registration.name

    @admin.display(description=_("workshop"), ordering="session__workshop__title")
    def workshop(self, attendance):
        return attendance.session.workshop

    @admin.display(description=_("starts (local time)"), ordering="session__starts_at")
    def session_start(self, attendance):
        session = attendance.session
        return date_format(session.workshop.local(session.starts_at), "DATETIME_FORMAT")


class WorkshopAdmin(events_admin.WorkshopAdmin):
    """The events app's workshop admin with the confirmed seats beside the capacity: the
    registrations are this app's, so this app adds their count."""

    list_display = events_admin.WorkshopAdmin.list_display.copy()
    list_display.insert(list_display.index("capacity"), "seats_taken")

    @admin.display(description=_("confirmed"), ordering="seats_taken")
    def seats_taken(self, obj):
        return obj.seats_taken

    def get_queryset(self, request):
        confirmed = count_of(Workshop, "registrations", status=Registration.Status.CONFIRMED)
        return super().get_queryset(request).annotate(seats_taken=confirmed)


admin.site.unregister(Workshop)
admin.site.register(Workshop, WorkshopAdmin)
