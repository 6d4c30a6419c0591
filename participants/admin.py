"""The admin for people, registrations and attendance.

A registration changes status only through ``participants.services`` (the admin actions
below), so capacity, the waiting list and the e-mails behave as on the organisers' pages.
"""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from config.admin_helpers import ListRelatedOnEveryPageMixin, count_of, service_action
from events import admin as events_admin
from events.models import Workshop
from participants import services
from participants.models import Attendance, Participant, Registration, holds_a_seat


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


def _revoke_link(*, registration, by):
    # A new link changes no decision about the seat: who asked for it is not recorded.
    return services.revoke_registration_link(registration=registration)


# One action for each move an organiser makes from the list: its name, its description, the
# service that decides (``registration=``, ``by=``), and what it says of the rows it moved.
REGISTRATION_ACTIONS = (
    (
        "approve",
        _("Approve selected registrations (a seat, or the waiting list)"),
        services.approve_registration,
        ngettext_lazy(
            "Approved %(count)d registration.", "Approved %(count)d registrations.", "count"
        ),
    ),
    (
        "put_on_waiting_list",
        _("Put selected registrations on the waiting list"),
        services.waitlist_registration,
        ngettext_lazy(
            "Put %(count)d registration on the waiting list.",
            "Put %(count)d registrations on the waiting list.",
            "count",
        ),
    ),
    (
        "decline",
        _("Decline selected registrations"),
        services.decline_registration,
        ngettext_lazy(
            "Declined %(count)d registration.", "Declined %(count)d registrations.", "count"
        ),
    ),
    (
        "cancel",
        _("Cancel selected registrations (frees their seats)"),
        services.cancel_registration,
        ngettext_lazy(
            "Cancelled %(count)d registration.", "Cancelled %(count)d registrations.", "count"
        ),
    ),
    (
        "revoke_link",
        _("Send new personal links (the old ones stop working)"),
        _revoke_link,
        ngettext_lazy(
            "Sent a new personal link for %(count)d registration.",
            "Sent new personal links for %(count)d registrations.",
            "count",
        ),
    ),
)


def registration_action(name: str, description, decide, done):
    """The admin action ``name``: ``decide`` on each selected registration, by the user; a
    refusal is reported against the person and the workshop."""
    return service_action(
        name,
        description,
        lambda registration, user: decide(registration=registration, by=user),
        done,
        related=("participant", "workshop"),
        refusals=(services.RegistrationError,),
        describe=lambda registration: f"{registration.name}, {registration.workshop.title}",
    )


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
    actions = [registration_action(*action) for action in REGISTRATION_ACTIONS]

    def has_add_permission(self, request):
        # People register on the workshop's page, or organisers add and import them there.
        return False

    @admin.display(description=_("e-mail"), ordering="participant__email")
    def email(self, registration):
        return registration.participant.email


@admin.register(Attendance)
class AttendanceAdmin(ListRelatedOnEveryPageMixin, admin.ModelAdmin):
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
    # The title names who (the person, if the registration has no name), at which session.
    title_related = ("registration__participant",)
    list_filter = ["status", "session__workshop"]
    search_fields = [
        "registration__name",
        "registration__name_local",
        "session__title",
    ]
    autocomplete_fields = ["registration", "session", "recorded_by"]
    readonly_fields = ["recorded_at"]

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
        confirmed = count_of(Workshop, "registrations", holds_a_seat())
        return super().get_queryset(request).annotate(seats_taken=confirmed)


admin.site.unregister(Workshop)
admin.site.register(Workshop, WorkshopAdmin)
