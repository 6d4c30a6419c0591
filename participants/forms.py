"""The public registration form: it reads and checks input; the rules are the service's."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.localised import agency_name
from events.models import Workshop
from participants.corrections import (
    DETAIL_FIELDS,
    Corrected,
    CorrectionRefused,
    correct_registration,
)
from participants.models import Registration
from participants.queries import agency_choices
from participants.services import RegistrationData, RegistrationError

# The field only bots fill: hidden from people (and screen readers) by the page.
HONEYPOT_FIELD = "fax_number"

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{5,40}$",
    _(
        "Enter a phone number with digits, spaces and + ( ) - . / only, "
        "for example +86 10 6512 3456."
    ),
)


class ListSelect(forms.Select):
    """A select whose options are written here, not by a template each: the list of every
    agency is as long as the directory, and one template render per option made the public
    form's page grow with it (200 agencies: twice the page's time). The same HTML as
    Django's Select (tests/participants/test_public_queries.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # every value above escaped by format_html


def _attributes(attrs: dict) -> str:
    """As Django's attrs.html: False left out, True as a bare name, values escaped."""
    return mark_safe(  # escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name (English / Latin script)"),
        max_length=255,
        help_text=_("As it should appear on your certificate, for example Li Mei."),
    )
    name_local = forms.CharField(
        label=_("Name (local script)"),
        max_length=255,
        required=False,
        help_text=_("For example 李梅."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Choose…")), *Registration.Gender.choices],
        help_text=_("Counted, never listed, in the figures the funders receive."),
        widget=ListSelect,  # a tenth of Select's time, each time the form is shown
    )
    agency = forms.TypedChoiceField(
        label=_("Agency"), coerce=int, required=False, empty_value=None, widget=ListSelect
    )
    agency_name = forms.CharField(
        label=_("Agency, if it is not in the list"), max_length=255, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    region = forms.CharField(
        label=_("Region"),
        max_length=120,
        required=False,
        help_text=_("The province, state or region you work in."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your confirmation and your personal link are sent here."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, validators=[phone_validator]
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("For your e-mails and your personal page."),
        widget=ListSelect,
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        # Read when the list is shown or a chosen agency checked, not before: a submission
        # that names its agency in the next field never reads the directory.
        self.fields["agency"].choices = self._agency_choices
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        self.fields["preferred_language"].initial = (
            language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"

    @cached_property
    def _agencies(self) -> tuple[list, list]:
        return agency_choices(self.workshop)

    @cached_property
    def agencies(self) -> dict:
        """{pk: agency} of every agency the list offers."""
        attending, others = self._agencies
        return {agency.pk: agency for agency in [*attending, *others]}

    def _agency_choices(self) -> list:
        attending, others = self._agencies
        choices: list = [("", _("Choose your agency…"))]
        if attending:
            choices.append(
                (_("Attending this workshop"), [(a.pk, agency_name(a)) for a in attending])
            )
            choices.append((_("All agencies"), [(a.pk, agency_name(a)) for a in others]))
        else:
            choices.extend((a.pk, agency_name(a)) for a in others)
        return choices

    def clean(self):
        cleaned = super().clean()
        agency_id = cleaned.get("agency")
        if agency_id is None and not cleaned.get("agency_name") and "agency" not in self.errors:
            self.add_error(
                "agency",
                _("Choose your agency from the list, or type its name in the next field."),
            )
        if agency_id is not None:
            cleaned["agency"] = self.agencies.get(agency_id)
            # A chosen agency wins over a typed one: one answer, not two that may disagree.
            cleaned["agency_name"] = ""
        return cleaned

    def to_data(self) -> RegistrationData:
        values = self.cleaned_data
        return RegistrationData(
            name=values["name"],
            name_local=values["name_local"],
            gender=values["gender"],
            agency=values.get("agency"),
            agency_name=values["agency_name"],
            position=values["position"],
            region=values["region"],
            email=values["email"],
            phone=values["phone"],
            preferred_language=values["preferred_language"],
        )


def filled_honeypot(post) -> bool:
    """Whether a submission filled the field people never see: a bot."""
    return bool(post.get(HONEYPOT_FIELD, "").strip())


class MyRegistrationsForm(forms.Form):
    """An address to send its personal links to: the person's view across workshops."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The address you registered with. The links are sent there, never shown."),
    )


class RegistrationDetailsForm(RegistrationForm):
    """A registration's details corrected: by the workshop's organisers (with the e-mail
    address) or by the person on their own page (without). The rules are
    ``participants.corrections``'; this form reads the fields and shows its refusals."""

    def __init__(self, *args, registration: Registration, organiser: bool, **kwargs):
        self.registration = registration
        initial = {name: getattr(registration, name) for name in DETAIL_FIELDS if name != "agency"}
        initial["agency"] = registration.agency_id
        initial["email"] = registration.participant.email
        super().__init__(*args, workshop=registration.workshop, initial=initial, **kwargs)
        self.organiser = organiser
        if organiser:
            self.fields["email"].help_text = _(
                "The person's address for every workshop: their personal link and e-mails go there."
            )
            # Someone nominated without an address may stay without one.
            self.fields["email"].required = bool(registration.participant.email)
        else:
            del self.fields["email"]
        self.fields["agency_name"].help_text = ""

    def clean(self):
        # Not RegistrationForm.clean: a record kept without an agency may be corrected as it is.
        cleaned = forms.Form.clean(self)
        agency_id = cleaned.get("agency")
        if agency_id is not None:
            cleaned["agency"] = self.agencies.get(agency_id)
        return cleaned

    def save(self, *, by=None) -> Corrected | None:
        """Correct the registration; None (with the refusal on its field) if a rule refused."""
        values = {name: self.cleaned_data.get(name) for name in DETAIL_FIELDS}
        if self.organiser:
            values["email"] = self.cleaned_data.get("email") or ""
        try:
            return correct_registration(registration=self.registration, values=values, by=by)
        except CorrectionRefused as refused:
            self.add_error(refused.field if refused.field in self.fields else None, refused.message)
        except RegistrationError as refused:
            self.add_error(None, refused.message)
        return None
