"""The admin for agencies, workshops and timetables.

Every changelist reads its rows in a fixed number of queries, whatever their number: foreign
keys shown in a column are ``list_select_related``, counts are annotated, many-to-many
columns are prefetched. Inline rows share their select lists (``config.admin_helpers``), so
a workshop of 300 sessions costs what one of 3 does.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from config.admin_helpers import (
    ListRelatedOnEveryPageMixin,
    SharedChoicesFormSet,
    WorkshopTimeZoneMixin,
    apply_each,
    count_column,
    count_of,
    service_action,
)
from config.refusals import add_to_form
from events import services, timezones
from events.clashes import Candidate, session_time_problems
from events.forms import OPTIONAL_NUMBERS, TimeZoneSelect, default_when_empty
from events.models import (
    Agency,
    AgencyMember,
    Programme,
    Room,
    Session,
    Topic,
    Trainer,
    Workshop,
    WorkshopAgency,
)


class SavedByTheServices:
    """An admin whose rows are written as the organiser's pages, the API and the demo write
    them: by ``services.create_<model>`` and ``update_<model>``, described as
    ``services.<Model>Data`` (agencies, trainers, rooms, topics)."""

    def save_model(self, request, obj, form, change):
        name = obj._meta.model_name
        data = getattr(services, f"{type(obj).__name__}Data").of(obj)
        if change:
            getattr(services, f"update_{name}")(data=data, **{name: obj})
        else:  # the admin's unsaved instance, filled and saved
            getattr(services, f"create_{name}")(data=data, **{name: obj})


# Agencies


@admin.register(Agency)
class AgencyAdmin(SavedByTheServices, admin.ModelAdmin):
    list_display = [
        "name",
        "name_local",
        "acronym",
        "kind",
        "level",
        "region",
        "parent",
        "children_count",
    ]
    list_select_related = ["parent"]
    list_filter = ["kind", "level", "country"]
    search_fields = ["name", "name_local", "acronym", "region"]
    autocomplete_fields = ["parent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "name_local", "acronym", "kind", "level"]}),
        (_("Where"), {"fields": ["region", "country", "parent", "website"]}),
    ]

    children_count = count_column("children_count", _("sub-agencies"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(children_count=count_of(Agency, "children"))


@admin.register(AgencyMember)
class AgencyMemberAdmin(ListRelatedOnEveryPageMixin, admin.ModelAdmin):
    """Through ``services.set_agency_membership``, as the demo ties its funder: an account
    changes agency here; another account is another membership."""

    list_display = ["user", "agency"]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "user__email", "agency__name", "agency__acronym"]
    autocomplete_fields = ["user", "agency"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["user"] if obj else [])]

    def save_model(self, request, obj, form, change):
        member = services.set_agency_membership(user=obj.user, agency=obj.agency)
        obj.pk, obj._state.adding = member.pk, False

    def delete_model(self, request, obj):
        services.set_agency_membership(user=obj.user, agency=None)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("user"):
            services.set_agency_membership(user=member.user, agency=None)


class AccountCreationForm(AdminUserCreationForm):
    """Django's form, whose password check is the services' whole check of a new account
    (``check_account``: the same validators, and any rule the service adds), each refusal
    shown beside its field; saved by ``AccountAdmin.save_model``."""

    def validate_password_for_user(self, user, **kwargs):
        if self.errors:  # refused already: the password is checked as Django checks it
            super().validate_password_for_user(user, **kwargs)
            return
        usable = self.cleaned_data.get("set_usable_password", True)
        try:
            services.check_account(
                user=user, password=self.cleaned_data.get("password2") if usable else None
            )
        except ValidationError as refused:
            add_to_form(self, refused, {"password": "password2"})


class AccountChangeForm(UserChangeForm):
    """Django's form, whose new username or address is checked as a new account's
    (``services.check_account``: a username taken in another case, any rule the service
    adds), each refusal beside its field, once Django's own checks pass. It is a uniqueness
    rule, so it runs where Django checks uniqueness: the instance holds the form's values."""

    def validate_unique(self):
        super().validate_unique()
        if self.errors or not {"username", "email"} & set(self.changed_data):
            return
        try:
            services.check_account(user=self.instance, password=None)
        except ValidationError as refused:
            add_to_form(self, refused)


class AccountPasswordForm(AdminPasswordChangeForm):
    """Django's form, whose password check is the services' (``check_password_rules``);
    saved through ``services.set_account_password``."""

    def validate_password_for_user(self, user, **kwargs):
        password = self.cleaned_data.get("password2")
        if password and self.cleaned_data.get("set_usable_password", True):
            try:
                services.check_password_rules(user=user, password=password)
            except ValidationError as refused:
                add_to_form(self, refused, {"password": "password2"})

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        return services.set_account_password(
            user=self.user, password=self.cleaned_data["password1"] if usable else None
        )


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Django's user admin, whose new accounts and passwords go through the services
    (``create_account``, ``set_account_password``), as the demo's logins do."""

    add_form = AccountCreationForm
    form = AccountChangeForm
    change_password_form = AccountPasswordForm

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The add form has checked the password and hashed it into ``obj``: not twice.
        usable = form.cleaned_data.get("set_usable_password", True)
        user = services.create_account(
            username=obj.username,
            email=obj.email,
            password=form.cleaned_data["password1"] if usable else None,
            hashed=obj.password if usable else None,
            is_staff=obj.is_staff,
            is_superuser=obj.is_superuser,
        )
        obj.pk, obj.password, obj._state.adding = user.pk, user.password, False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_local", "workshops_count"]
    search_fields = ["name", "name_local"]

    workshops_count = count_column("workshops_count", _("workshops"))

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(workshops_count=count_of(Programme, "workshops"))
        )


# Workshops


class AgencyRoleAdminForm(forms.ModelForm):
    """An agency's role, in the role admin and as a row of the workshop's: what
    ``add_agency_role`` would refuse a new role (``services.check_agency_role``) shown
    beside its field, before anything is saved, once the model's own checks pass. One role
    of an agency in a workshop is a uniqueness rule, so it runs where Django checks
    uniqueness, with the instance holding the form's values."""

    class Meta:
        model = WorkshopAgency
        fields = "__all__"  # noqa: DJ007 (the admins' fields choose)

    def validate_unique(self):
        super().validate_unique()
        row = self.instance
        adds = row.pk is None or {"workshop", "agency", "role"} & set(self.changed_data)
        # A new workshop's rows: it has no roles yet to be checked against.
        if self.errors or not adds or row.workshop_id is None:
            return
        try:
            services.check_agency_role(workshop=row.workshop, agency=row.agency, role=row.role)
        except ValidationError as refusal:
            add_to_form(self, refusal)


class AgencyRolesFormSet(SharedChoicesFormSet):
    """A workshop's agencies' roles as inline rows, saved through the services the
    organiser's page calls (``add_agency_role``, ``update_agency_role``,
    ``place_agency_role``, ``remove_agency_role``). A row's order is its position among the
    agencies of its role, from 0 (past the last: last), as the page's arrows number them; a
    new row whose order is left as it is comes after the others. A row given another agency
    or role is that agency's role instead (removed, then added)."""

    shared_choice_fields = ("agency",)

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        workshop = self.instance  # a new workshop has its pk only now
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                services.remove_agency_role(agency_role=form.instance)
                self.deleted_objects.append(form.instance)
        deleted = set(self.deleted_forms)
        placing = []
        for form in self.forms:
            if form in deleted or not form.has_changed():
                continue
            row, changed = form.instance, form.changed_data
            if row.pk is None or {"agency", "role"} & set(changed):
                if row.pk is not None:
                    services.remove_agency_role(agency_role=WorkshopAgency.objects.get(pk=row.pk))
                added = services.add_agency_role(
                    workshop=workshop, agency=row.agency, role=row.role, note=row.note
                )
                self.new_objects.append(added)
                if "order" in changed:  # else after the others, as the page adds it
                    placing.append((row.order, added))
                continue
            if "note" in changed:
                services.update_agency_role(agency_role=row, note=row.note)
            if "order" in changed:
                placing.append((row.order, row))
            self.changed_objects.append((row, changed))
        # Lowest position first, so that each placement leaves the ones before it in place.
        for position, row in sorted(placing, key=lambda item: (item[0], item[1].pk)):
            services.place_agency_role(agency_role=row, position=position)
        return [*self.new_objects, *(row for row, _changed in self.changed_objects)]


class WorkshopAgencyInline(admin.TabularInline):
    model = WorkshopAgency
    form = AgencyRoleAdminForm
    extra = 0
    fields = ["agency", "role", "order", "note"]
    # Search boxes, not select lists of every agency in every row (thousands of options a
    # row made the change page take seconds).
    autocomplete_fields = ["agency"]
    formset = AgencyRolesFormSet

    def get_queryset(self, request):
        # Each row's label names its agency and workshop.
        return super().get_queryset(request).select_related("agency", "workshop")


class TimetableFormSet(SharedChoicesFormSet):
    """A workshop's sessions as inline rows, refused as the organiser's form refuses them.

    Every row at once goes to ``services.session_refusals`` before anything is saved: two
    rows may swap their times, and a new row may clash with another new one. A refusal is
    shown on the row and field it is about, in the organiser's words; rows left unchanged
    are checked against, not reported (a clash made elsewhere since is not this edit's).
    A row with errors of its own (outside the days, say) is left to them.
    """

    shared_choice_fields = ("room", "trainers")

    def clean(self):
        super().clean()
        workshop = self.instance
        if not (workshop.start_date and workshop.end_date and workshop.timezone):
            return  # the workshop's own form says what is missing
        rows, drafts, replacing = [], [], []
        for form in self.forms:
            if getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME):
                if form.instance.pk is not None:
                    replacing.append(form.instance.pk)  # going: it clashes with nothing
                continue
            if form.errors or (form.instance.pk is None and not form.has_changed()):
                continue
            data = form.cleaned_data
            rows.append(form)
            drafts.append(
                Candidate(
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    room=data.get("room"),
                    trainers=tuple(data.get("trainers") or ()),
                    exclude=form.instance if form.instance.pk else None,
                    status=form.instance.status,
                    title=data.get("title", ""),
                )
            )
        if any(form.has_changed() for form in rows) or replacing:
            try:
                services.check_timetable_editable(workshop)
            except ValidationError as refusal:
                raise ValidationError(refusal.messages) from None  # above the rows
        refusals = services.session_refusals(workshop=workshop, drafts=drafts, replacing=replacing)
        for form, pairs in zip(rows, refusals, strict=True):
            if form.has_changed():
                for field, message in pairs:
                    form.add_error(field, message)

    def save(self, commit=True):
        """The changed and new rows saved through ``services.save_sessions``, as one change
        (so two rows may swap their times), with its calendar revisions, webhooks and
        notices; a row marked for deletion is deleted first, as Django's formset does."""
        if not commit:
            return super().save(commit=False)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        deleted = set(self.deleted_forms)
        for form in self.initial_forms:
            if form in deleted:
                self.deleted_objects.append(form.instance)
                self.delete_existing(form.instance)
        rows = [form for form in self.forms if form not in deleted and form.has_changed()]
        if not rows:
            return []
        changes = []
        for form in rows:
            session = form.instance
            session.workshop = self.instance  # a new workshop has its pk only now
            changes.append(
                services.SessionChange(
                    data={name: getattr(session, name) for name in services.SESSION_FIELDS},
                    trainers=list(form.cleaned_data.get("trainers") or ()),
                    session=session,
                    status=session.status,
                )
            )
            if session.pk is None:
                self.new_objects.append(session)
            else:
                self.changed_objects.append((session, form.changed_data))
        return services.save_sessions(workshop=self.instance, changes=changes)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "starts_at", "ends_at", "room", "trainers", "status"]
    # Search boxes showing only what each row has chosen: a select of every room and every
    # trainer in each of 100 rows was 5 MB of HTML and 15 s (see TimetableFormSet).
    autocomplete_fields = ["room", "trainers"]
    # Cancelling and reinstating go through the session admin's actions (the services).
    readonly_fields = ["status"]
    formset = TimetableFormSet
    show_change_link = True
    ordering = ["starts_at", "ends_at", "pk"]
    verbose_name_plural = _("sessions (times in the workshop's time zone)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room").prefetch_related("trainers")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # No "add / change / delete" icons beside each row's room and trainers: each is a
        # template rendered per row, and rooms and trainers have admin pages of their own.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field


class WorkshopAdminForm(forms.ModelForm):
    """The rules of the organisers' form that the model cannot hold, from the same service."""

    class Meta:
        model = Workshop
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose)
        widgets = {"timezone": TimeZoneSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisers' list of zones, and the workshop's own if it has an old name.
        self.fields["timezone"].widget.choices = timezones.choices(
            current=self.initial.get("timezone")
        )
        for name in OPTIONAL_NUMBERS:
            if name in self.fields:
                self.fields[name].required = False

    def clean_completion_share(self):
        return default_when_empty(self, "completion_share")

    def clean_retention_months(self):
        return default_when_empty(self, "retention_months")

    def clean(self):
        """What ``services.update_workshop`` would refuse (a capacity below the confirmed
        seats, sessions pushed outside the dates, also by a new zone that keeps their local
        times), beside its field, before anything is saved: ``save_model`` then saves
        through the service."""
        cleaned = super().clean()
        if self.errors:
            return cleaned  # the fields' own rules first
        data = services.WorkshopData.of(
            self.instance,
            **{name: cleaned[name] for name in services.WORKSHOP_FIELDS if name in cleaned},
        )
        try:
            services.check_workshop_update(workshop=self.instance, data=data)
        except ValidationError as refusal:
            add_to_form(self, refusal)
        return cleaned


# One action for each status a workshop may be moved to (the targets of
# ``services.TRANSITIONS``): its name, its description, and what it says of the workshops it
# moved. Each goes through ``services.change_workshop_status``, which says which may follow
# which (publishing checks the timetable; "completed" waits for the last day).
WORKSHOP_STATUS_ACTIONS = {
    Workshop.Status.PUBLISHED: (
        "publish",
        _("Publish selected workshops (or reopen registration)"),
        ngettext_lazy("Published %(count)d workshop.", "Published %(count)d workshops.", "count"),
    ),
    Workshop.Status.CLOSED: (
        "close_registration",
        _("Close registration for selected workshops"),
        ngettext_lazy(
            "Closed registration for %(count)d workshop.",
            "Closed registration for %(count)d workshops.",
            "count",
        ),
    ),
    Workshop.Status.COMPLETED: (
        "mark_completed",
        _("Mark selected workshops completed"),
        ngettext_lazy(
            "Marked %(count)d workshop completed.",
            "Marked %(count)d workshops completed.",
            "count",
        ),
    ),
    Workshop.Status.CANCELLED: (
        "cancel",
        _("Cancel selected workshops"),
        ngettext_lazy("Cancelled %(count)d workshop.", "Cancelled %(count)d workshops.", "count"),
    ),
}


def status_action(status: str, name: str, description, done):
    """The admin action ``name`` moving each selected workshop to ``status`` by the rules."""
    return service_action(
        name,
        description,
        lambda workshop, user: services.change_workshop_status(workshop=workshop, status=status),
        done,
    )


@admin.register(Workshop)
class WorkshopAdmin(WorkshopTimeZoneMixin, admin.ModelAdmin):
    form = WorkshopAdminForm
    list_display = [
        "title",
        "start_date",
        "end_date",
        "city",
        "status",
        "programme",
        "sessions_count",
        "capacity",
        "is_sample",
    ]
    list_select_related = ["programme"]
    list_filter = ["status", "programme", "country", "requires_approval", "is_sample"]
    search_fields = [
        "title",
        "title_local",
        "slug",
        "city",
        "city_local",
        "venue",
        "venue_local",
        "region",
        "region_local",
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["programme", "summary_provided_by", "organisers"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [WorkshopAgencyInline, SessionInline]
    # The organisers' groups of fields (``services.WORKSHOP_FIELDSETS``), then the system's.
    fieldsets = [
        (None, {"fields": ["status", "is_sample"]}),
        *(
            (
                legend,
                {"fields": list(names)}
                | (
                    {
                        "description": _(
                            "Session times and registration dates on this page are in the "
                            "workshop's time zone."
                        )
                    }
                    if "timezone" in names
                    else {}
                ),
            )
            for legend, names in services.WORKSHOP_FIELDSETS
        ),
        (_("Organisers"), {"fields": ["organisers"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    actions = [
        status_action(status, name, description, done)
        for status, (name, description, done) in WORKSHOP_STATUS_ACTIONS.items()
    ]

    sessions_count = count_column("sessions_count", _("sessions"))

    def get_readonly_fields(self, request, obj=None):
        # A status changes through the actions, under the rules of which may follow which
        # (publishing checks the timetable): a new workshop is a draft, as the service
        # makes it (``services.create_workshop``).
        return [*super().get_readonly_fields(request, obj), "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sessions_count=count_of(Workshop, "sessions"))

    def workshop_timezone(self, request, object_id):
        if request.method == "POST":
            return timezones.zone_or_none(request.POST.get("timezone"))
        if object_id is None:
            return None
        name = (
            Workshop.objects.filter(pk=unquote(object_id))
            .values_list("timezone", flat=True)
            .first()
        )
        return timezones.zone_or_none(name)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers":
            # The names in the list are the users' own columns: no query per option.
            kwargs["queryset"] = db_field.remote_field.model.objects.order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Through the organisers' services (``create_workshop``, ``update_workshop``), so
        the admin saves what their form saves: a new zone keeps the sessions' local times
        (the inline rows, posted as read in the new zone, then save those same instants), a
        new venue takes the old one's rooms off the sessions. The form has already asked
        the service's checks (``WorkshopAdminForm.clean``)."""
        data = services.WorkshopData.of(obj)
        if not change:
            services.create_workshop(data=data, by=request.user, workshop=obj)
            return
        update = services.update_workshop(workshop=obj, data=data)
        if update.zone_change is not None:
            self.message_user(request, update.zone_change.message(), messages.INFO)
        if update.rooms_dropped:
            self.message_user(request, update.rooms_message(), messages.WARNING)

    def save_related(self, request, form, formsets, change):
        """The organisers chosen, added and taken off through the services
        (``add_organiser``, ``remove_organiser``) rather than set by the form."""
        wanted = form.cleaned_data.pop("organisers", None)
        super().save_related(request, form, formsets, change)
        if wanted is None:
            return
        workshop = form.instance
        current = set(workshop.organisers.all())
        for user in current - set(wanted):
            services.remove_organiser(workshop=workshop, user=user)
        for user in sorted(set(wanted) - current, key=lambda user: user.pk):
            services.add_organiser(workshop=workshop, user=user)


@admin.register(WorkshopAgency)
class WorkshopAgencyAdmin(ListRelatedOnEveryPageMixin, admin.ModelAdmin):
    """Through the services, as the workshop page's rows (``AgencyRolesFormSet``): the
    order is a position among the agencies of that role, from 0."""

    form = AgencyRoleAdminForm
    list_display = ["agency", "role", "workshop", "order", "note"]
    list_select_related = ["agency", "workshop"]
    list_filter = ["role", "workshop"]
    search_fields = ["agency__name", "agency__acronym", "workshop__title", "note"]
    autocomplete_fields = ["workshop", "agency"]

    def save_model(self, request, obj, form, change):
        if not change or {"workshop", "agency", "role"} & set(form.changed_data):
            if change:
                services.remove_agency_role(agency_role=WorkshopAgency.objects.get(pk=obj.pk))
            added = services.add_agency_role(
                workshop=obj.workshop, agency=obj.agency, role=obj.role, note=obj.note
            )
            obj.pk, obj._state.adding = added.pk, False
            if "order" in form.changed_data:  # else after the others, as the page adds it
                services.place_agency_role(agency_role=added, position=obj.order)
            return
        if "note" in form.changed_data:
            services.update_agency_role(agency_role=obj, note=obj.note)
        if "order" in form.changed_data:
            services.place_agency_role(agency_role=obj, position=obj.order)

    def delete_model(self, request, obj):
        services.remove_agency_role(agency_role=obj)


# People and places of the timetable


@admin.register(Trainer)
class TrainerAdmin(SavedByTheServices, admin.ModelAdmin):
    list_display = ["__str__", "name_local", "position", "agency", "email", "sessions_count"]
    list_select_related = ["agency"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_local", "position", "email", "agency__name", "agency__acronym"]
    autocomplete_fields = ["agency"]

    sessions_count = count_column("sessions_count", _("sessions"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sessions_count=count_of(Trainer, "sessions"))


@admin.register(Room)
class RoomAdmin(SavedByTheServices, admin.ModelAdmin):
    list_display = ["name", "venue", "city", "capacity", "sessions_count"]
    list_filter = ["city"]
    search_fields = ["name", "venue", "city"]

    sessions_count = count_column("sessions_count", _("sessions"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sessions_count=count_of(Room, "sessions"))


@admin.register(Topic)
class TopicAdmin(SavedByTheServices, admin.ModelAdmin):
    list_display = ["name", "name_local", "sessions_count"]
    search_fields = ["name", "name_local", "description"]

    sessions_count = count_column("sessions_count", _("sessions"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sessions_count=count_of(Topic, "sessions"))


class SessionAdminForm(forms.ModelForm):
    """A session, refused as the organiser's form refuses it (``services.check_session``)
    before it is saved, with the same messages on the same fields. Its own times (ends
    after it starts, within the workshop's days) are the model's ``clean``, the same rule."""

    class Meta:
        model = Session
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose)

    def clean(self):
        cleaned = super().clean()
        workshop = cleaned.get("workshop") or (
            self.instance.workshop if self.instance.workshop_id else None
        )
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if self.errors or workshop is None or starts_at is None or ends_at is None:
            return cleaned
        if session_time_problems(workshop, starts_at, ends_at):
            return cleaned  # the model's clean says so, once
        try:
            services.check_timetable_editable(workshop)
            services.check_session(
                workshop=workshop,
                starts_at=starts_at,
                ends_at=ends_at,
                room=cleaned.get("room"),
                trainers=cleaned.get("trainers") or (),
                session=self.instance if self.instance.pk else None,
                status=self.instance.status,
            )
        except ValidationError as refusal:
            self.add_error(None, refusal)
        return cleaned


@admin.register(Session)
class SessionAdmin(WorkshopTimeZoneMixin, admin.ModelAdmin):
    form = SessionAdminForm
    list_display = [
        "title",
        "workshop",
        "local_start",
        "local_end",
        "room",
        "trainer_names",
        "kind",
        "status",
        "sequence",
    ]
    list_select_related = ["workshop", "room"]
    list_filter = ["status", "kind", "workshop", ("room", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "title_local", "workshop__title", "trainers__name"]
    autocomplete_fields = ["workshop", "room", "trainers", "topics"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["workshop", "title", "title_local", "kind", "status"]}),
        (
            _("When and where"),
            {
                "fields": ["starts_at", "ends_at", "room"],
                "description": _("Times are in the workshop's time zone."),
            },
        ),
        (None, {"fields": ["trainers", "topics", "description"]}),
        (_("Calendars"), {"fields": ["uid", "sequence", "created_at", "updated_at"]}),
    ]

    actions = ["cancel_sessions", "reinstate_sessions"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("trainers")

    def save_model(self, request, obj, form, change):
        # Through the service, with its trainers and topics (so ``save_related`` has no
        # many-to-many left to save): its calendar revision, webhooks and notices.
        services.save_sessions(
            workshop=obj.workshop,
            changes=[
                services.SessionChange(
                    data={name: getattr(obj, name) for name in services.SESSION_FIELDS},
                    trainers=list(form.cleaned_data.get("trainers") or ()),
                    topics=list(form.cleaned_data.get("topics") or ()),
                    session=obj,
                    status=obj.status,
                )
            ],
        )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Cancelling and reinstating are the actions: reinstating checks for clashes.
        return [*fields, "status"] if obj is not None else fields

    @admin.action(description=_("Cancel selected sessions (they stay in calendars, cancelled)"))
    def cancel_sessions(self, request, queryset):
        apply_each(
            request,
            queryset,
            lambda session: services.cancel_session(session=session),
            lambda n: ngettext("Cancelled %(count)d session.", "Cancelled %(count)d sessions.", n),
        )

    @admin.action(description=_("Reinstate selected sessions, if trainers and room are free"))
    def reinstate_sessions(self, request, queryset):
        apply_each(
            request,
            queryset,
            lambda session: services.reinstate_session(session=session),
            lambda n: ngettext(
                "Reinstated %(count)d session.", "Reinstated %(count)d sessions.", n
            ),
        )

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, session):
        return date_format(session.workshop.local(session.starts_at), "DATETIME_FORMAT")

    @admin.display(description=_("ends (local time)"), ordering="ends_at")
    def local_end(self, session):
        return date_format(session.workshop.local(session.ends_at), "DATETIME_FORMAT")

    @admin.display(description=_("trainers"))
    def trainer_names(self, session):
        return ", ".join(str(trainer) for trainer in session.trainers.all())

    def workshop_timezone(self, request, object_id):
        workshop_id = request.POST.get("workshop") or request.GET.get("workshop")
        if workshop_id is None and object_id is not None:
            sessions = Session.objects.filter(pk=unquote(object_id))
            name = sessions.values_list("workshop__timezone", flat=True).first()
        elif workshop_id and str(workshop_id).isdigit():
            name = Workshop.objects.filter(pk=workshop_id).values_list("timezone", flat=True)
            name = name.first()
        else:
            name = None
        return timezones.zone_or_none(name)
