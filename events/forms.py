"""Forms of the organiser pages. They turn what is typed into values and hand them to
``events.services``, which holds the rules; a refusal comes back as errors on the fields.
"""

import zoneinfo
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.refusals import add_to_form
from events import services, timezones
from events.models import (
    SESSION_ENDS_AFTER_START,
    Agency,
    Room,
    Session,
    Topic,
    Trainer,
    Workshop,
    WorkshopAgency,
)
from events.queries import search_agencies

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class TimeZoneSelect(forms.Select):
    """The zones grouped by region, with a search box before them (zone-search.js)."""

    class Media:
        js = ("events/zone-search.js",)

    def __init__(self, attrs=None):
        super().__init__({"data-search": _("Find a zone by city"), **(attrs or {})})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as written on the wall clock where the workshop happens.

    Returns a naive datetime; the form makes it aware in the workshop's time zone, which the
    server's own time zone must not be mistaken for.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        with timezone.override(zoneinfo.ZoneInfo("UTC")):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result

    def prepare_value(self, value):
        return value


class LabelsAbove:
    """Labels stand above their fields: no colon after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ServiceErrorsMixin(LabelsAbove):
    """Put a service's refusal on the form, each message on the field it is about."""

    # Model field name -> form field name, where they differ.
    error_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        add_to_form(self, error, self.error_fields)

    def submit(self, **kwargs):
        """What ``save(**kwargs)`` saved, if the form is valid and the service accepts it;
        else None, the refusal shown beside its fields (the page shows the form again).
        Views call this, never ``save`` in a ``try``: a refusal has one way onto a page."""
        if not self.is_valid():
            return None
        try:
            return self.save(**kwargs)
        except ValidationError as refusal:
            self.add_service_error(refusal)
            return None


# Workshop numbers an organiser may leave empty, meaning the model's default.
OPTIONAL_NUMBERS = ("completion_share", "retention_months")


def default_when_empty(form, name: str):
    """The cleaned value of ``name``, or the workshop model's default when left empty (an
    empty optional number means the default, not "none"). For the form and the admin."""
    value = form.cleaned_data[name]
    return Workshop._meta.get_field(name).default if value is None else value


class WorkshopForm(ServiceErrorsMixin, forms.ModelForm):
    """A workshop's details. On a new workshop, the report's fields wait for later."""

    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        help_text=_("Seats: confirmed registrations never exceed it; the rest wait."),
    )
    registration_opens_at = LocalDateTimeField(
        label=_("Registration opens"),
        required=False,
        help_text=_("Local time where the workshop takes place. Empty: open when published."),
    )
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("Local time where the workshop takes place. Empty: until it is closed."),
    )
    completion_share = forms.IntegerField(
        label=_("Attendance needed to complete (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "The share of the sessions held that a participant must attend to complete the "
            "workshop and receive a certificate. Empty: 80%."
        ),
    )
    retention_months = forms.IntegerField(
        label=_("Keep contact data for (months after the last day)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_(
            "After this many months from the workshop's last day, participants' e-mail "
            "addresses and phone numbers are deleted; names and figures stay for the reports. "
            "Empty: 24."
        ),
    )

    class Meta:
        model = Workshop
        fields = services.WORKSHOP_FIELDS
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "summary_date": DateInput,
            "timezone": TimeZoneSelect,
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "objectives_local": forms.Textarea(attrs={"rows": 4}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "narrative_local": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.choices = timezones.choices(
            current=self.initial.get("timezone")
        )
        self.fields["slug"].required = False
        if self.instance.pk is None:
            self.fields["slug"].help_text = _("Leave empty to make one from the title and year.")
            for name in ("narrative", "narrative_local", "summary_provided_by", "summary_date"):
                del self.fields[name]
        else:
            self.fields["slug"].help_text = _(
                "Changing it breaks the links already sent to people."
            )
            self.fields["summary_provided_by"].queryset = Agency.objects.filter(
                workshop_roles__workshop=self.instance
            ).distinct()
            tz = self.instance.tz
            for name in ("registration_opens_at", "registration_closes_at"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = value.astimezone(tz).replace(tzinfo=None)

    FIELDSETS = services.WORKSHOP_FIELDSETS

    def fieldsets(self):
        """``(legend, bound fields)`` in the order the form shows them."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
            if any(name in self.fields for name in names)
        ]

    def clean_completion_share(self):
        return default_when_empty(self, "completion_share")

    def clean_retention_months(self):
        return default_when_empty(self, "retention_months")

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        if value not in timezones.accepted():
            raise ValidationError(_("Choose a time zone from the list."))
        return value

    def clean(self):
        cleaned = super().clean()
        tz_name = cleaned.get("timezone") or self.instance.timezone or "UTC"
        tz = zoneinfo.ZoneInfo(tz_name)
        for name in ("registration_opens_at", "registration_closes_at"):
            value = cleaned.get(name)
            if value is not None:
                cleaned[name] = value.replace(tzinfo=tz)
        # The days' and the window's order are the model's named constraints
        # (workshop_ends_on_or_after_start, workshop_registration_closes_after_opens), which
        # the form validates after this, beside their fields, with the rules' codes.
        return cleaned

    # After save(): the services.ZoneChange if the time zone changed, for the page to say,
    # and what a change of venue did to the sessions' rooms.
    zone_change = None
    rooms_message = ""

    def save(self, *, by=None) -> Workshop:
        data = services.WorkshopData.of(
            self.instance,
            **{n: self.cleaned_data[n] for n in self.fields if n in services.WORKSHOP_FIELDS},
        )
        if self.instance.pk is None:
            return services.create_workshop(data=data, by=by)
        update = services.update_workshop(workshop=self.instance, data=data)
        self.zone_change = update.zone_change
        self.rooms_message = update.rooms_message()
        return update.workshop


class CopyWorkshopForm(LabelsAbove, forms.Form):
    start_date = forms.DateField(label=_("First day of the new workshop"), widget=DateInput)
    title = forms.CharField(
        label=_("Title (English)"),
        max_length=255,
        help_text=_("Usually the same title; the year in the link tells them apart."),
    )

    def __init__(self, *args, source: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["title"].initial = source.title

    def save(self, *, by) -> Workshop:
        return services.copy_workshop(
            source=self.source,
            start_date=self.cleaned_data["start_date"],
            title=self.cleaned_data["title"],
            by=by,
        )


class WorkshopStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Workshop.Status.choices, widget=forms.HiddenInput)


# Timetable ---------------------------------------------------------------------------------


class SessionTimesMixin(ServiceErrorsMixin):
    """Day, start and end as written on the workshop's wall clock, made aware in its zone."""

    error_fields = {"starts_at": "day", "ends_at": "end_time"}

    def add_time_fields(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.fields["day"] = forms.TypedChoiceField(
            label=_("Day"),
            choices=[(day.isoformat(), date_format(day, "DATE_FORMAT")) for day in workshop.days],
            coerce=lambda value: datetime.strptime(value, "%Y-%m-%d").date(),
        )
        self.fields["start_time"] = forms.TimeField(
            label=_("Starts"),
            widget=TimeInput,
            help_text=_("Local time in %(tz)s.") % {"tz": workshop.timezone},
        )
        self.fields["end_time"] = forms.TimeField(label=_("Ends"), widget=TimeInput)

    def initial_times(self, session: Session) -> dict:
        start = self.workshop.local(session.starts_at)
        end = self.workshop.local(session.ends_at)
        return {"day": start.date().isoformat(), "start_time": start.time(), "end_time": end.time()}

    def clean_times(self, cleaned: dict) -> None:
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start is None or end is None:
            return
        tz = self.workshop.tz
        cleaned["starts_at"] = datetime.combine(day, start, tzinfo=tz)
        cleaned["ends_at"] = datetime.combine(day, end, tzinfo=tz)
        if end <= start:
            self.add_error("end_time", SESSION_ENDS_AFTER_START)


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, trainer):
        agency = trainer.agency.acronym or trainer.agency.name if trainer.agency_id else ""
        return f"{trainer} — {agency}" if agency else str(trainer)


class SessionForm(SessionTimesMixin, forms.Form):
    """A session of the timetable, checked for clashes before anything is saved."""

    title = forms.CharField(label=_("Title (English)"), max_length=255)
    title_local = forms.CharField(label=_("Title (local script)"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.all(), required=False, empty_label=_("— none —")
    )
    new_room = forms.CharField(
        label=_("Or a new room"),
        max_length=120,
        required=False,
        help_text=_("Its name; it will be added at the workshop's venue."),
    )
    trainers = TrainerChoiceField(
        label=_("Trainers"),
        queryset=Trainer.objects.select_related("agency"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_mandatory = forms.BooleanField(
        label=_("Mandatory"),
        required=False,
        help_text=_("A participant who misses it does not complete the workshop."),
    )

    field_order = [
        "title",
        "title_local",
        "kind",
        "day",
        "start_time",
        "end_time",
        "room",
        "new_room",
        "trainers",
        "topics",
        "description",
        "is_mandatory",
    ]

    def __init__(self, *args, workshop: Workshop, session: Session | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.add_time_fields(workshop)
        self.order_fields(self.field_order)
        # The rooms of the workshop's venue and any it already uses elsewhere.
        self.fields["room"].queryset = Room.objects.filter(
            Q(venue=workshop.venue.strip()) | Q(sessions__workshop=workshop)
        ).distinct()
        if session is not None and not self.is_bound:
            self.initial.update(
                {
                    "title": session.title,
                    "title_local": session.title_local,
                    "kind": session.kind,
                    "room": session.room_id,
                    "trainers": [t.pk for t in session.trainers.all()],
                    "topics": [t.pk for t in session.topics.all()],
                    "description": session.description,
                    "is_mandatory": session.is_mandatory,
                    **self.initial_times(session),
                }
            )

    def clean(self):
        cleaned = super().clean()
        self.clean_times(cleaned)
        new_room = cleaned.get("new_room", "").strip()
        if new_room:
            # Only an existing room can clash; a new one is created when the session is saved.
            cleaned["room"] = Room.objects.filter(
                venue=self.workshop.venue.strip(), name=new_room
            ).first()
        if self.errors or "starts_at" not in cleaned:
            return cleaned
        try:
            services.check_session(
                workshop=self.workshop,
                starts_at=cleaned["starts_at"],
                ends_at=cleaned["ends_at"],
                room=cleaned.get("room"),
                trainers=cleaned.get("trainers") or (),
                session=self.session,
                status=self.session.status if self.session else Session.Status.SCHEDULED,
            )
        except ValidationError as error:
            if new_room:
                self.error_fields = {**self.error_fields, "room": "new_room"}
            self.add_service_error(error)
        return cleaned

    def save(self) -> Session:
        cleaned = self.cleaned_data
        room = cleaned.get("room")
        if cleaned.get("new_room", "").strip():
            room = services.get_or_create_room(
                name=cleaned["new_room"], venue=self.workshop.venue, city=self.workshop.city
            )
        data = {
            name: cleaned[name]
            for name in ("title", "title_local", "kind", "description", "is_mandatory")
        }
        data.update(starts_at=cleaned["starts_at"], ends_at=cleaned["ends_at"], room=room)
        return services.save_session(
            workshop=self.workshop,
            data=data,
            trainers=cleaned["trainers"],
            topics=cleaned["topics"],
            session=self.session,
        )


class MoveSessionForm(SessionTimesMixin, forms.Form):
    """A new day and time for a session, keeping everything else."""

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.add_time_fields(session.workshop)
        if not self.is_bound:
            self.initial.update(self.initial_times(session))

    def clean(self):
        cleaned = super().clean()
        self.clean_times(cleaned)
        return cleaned

    def save(self) -> Session:
        return services.move_session(
            session=self.session,
            starts_at=self.cleaned_data["starts_at"],
            ends_at=self.cleaned_data["ends_at"],
        )


# Agencies and trainers ---------------------------------------------------------------------


class AgencyRoleForm(ServiceErrorsMixin, forms.Form):
    """An existing agency, found by search, given a role in the workshop."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=WorkshopAgency.Role.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=255,
        required=False,
        help_text=_("For example: “also sent personnel to attend”."),
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def save(self) -> WorkshopAgency:
        return services.add_agency_role(
            workshop=self.workshop,
            agency=self.cleaned_data["agency"],
            role=self.cleaned_data["role"],
            note=self.cleaned_data["note"],
        )


class AgencyRoleNoteForm(ServiceErrorsMixin, forms.Form):
    """The note on an agency's role in the workshop, changed in place (its position stays)."""

    note = AgencyRoleForm.base_fields["note"]

    def __init__(self, *args, agency_role: WorkshopAgency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_role = agency_role

    def save(self) -> WorkshopAgency:
        return services.update_agency_role(
            agency_role=self.agency_role, note=self.cleaned_data["note"]
        )


class AgencyForm(ServiceErrorsMixin, forms.ModelForm):
    """A new agency, its parent chosen among the agencies a search finds, and its role in
    the workshop. The search button re-shows the form with what was typed, saving nothing.
    """

    parent_query = forms.CharField(
        label=_("Find the parent agency"),
        required=False,
        help_text=_("Part of its name, local name or acronym; then press “Find”."),
    )
    role = forms.ChoiceField(label=_("Role in this workshop"), choices=WorkshopAgency.Role.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = services.AGENCY_FIELDS

    field_order = [
        "name",
        "name_local",
        "acronym",
        "kind",
        "level",
        "region",
        "country",
        "website",
        "parent_query",
        "parent",
        "role",
        "note",
    ]

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        values = self.data if self.is_bound else self.initial
        query = (values.get("parent_query") or "").strip()
        chosen = values.get("parent")
        matches = Q(pk__in=search_agencies(query).values("pk")) if query else Q(pk__in=[])
        if chosen and str(chosen).isdigit():
            matches |= Q(pk=int(chosen))
        parent = self.fields["parent"]
        parent.queryset = Agency.objects.filter(matches).order_by("name")
        parent.empty_label = _("— none —")
        parent.help_text = _("Only the agencies the search found are listed.")
        self.parent_query = query

    def save(self) -> Agency:
        data = services.AgencyData(
            **{name: self.cleaned_data[name] for name in services.AGENCY_FIELDS}
        )
        agency = services.create_agency_with_role(
            data=data,
            workshop=self.workshop,
            role=self.cleaned_data["role"],
            note=self.cleaned_data["note"],
        )
        return agency


class TrainerForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Trainer
        fields = services.TRAINER_FIELDS
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].empty_label = _("— none —")

    def save(self, *, by=None) -> Trainer:
        data = services.TrainerData(
            **{name: self.cleaned_data[name] for name in services.TRAINER_FIELDS}
        )
        if self.instance.pk is None:
            return services.create_trainer(data=data, by=by)
        return services.update_trainer(trainer=self.instance, data=data)
