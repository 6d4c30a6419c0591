"""The organiser's forms of a workshop's report: its text, publishing it, sharing it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.refusals import Refusal, add_to_form
from reports.models import REPORT_SECTIONS, Report
from reports.services import parse_recipients

TEXT_FIELDS = (
    "overview",
    "overview_local",
    *(name for section in REPORT_SECTIONS for name in (section, f"{section}_local")),
)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = TEXT_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 8 if "overview" in name else 4})
            for name in TEXT_FIELDS
        }
        help_texts = {
            "overview": _("Drafted from the workshop's data: read it and rewrite it as needed."),
            "overview_local": _("The overview of the report in Chinese."),
        }


class PublishForm(forms.Form):
    accounts_language = forms.ChoiceField(
        label=_("Language of the e-mails to the funders' accounts"),
        choices=settings.LANGUAGES,
    )
    addresses = forms.CharField(
        label=_("Other addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line; after an address you may put its language (en or zh-hans), "
            "for example: someone@example.org zh-hans"
        ),
    )

    def __init__(self, *args, default_language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts_language"].initial = default_language

    def clean(self):
        data = super().clean()
        try:
            data["recipients"] = parse_recipients(
                data.get("addresses", ""),
                default_language=data.get("accounts_language") or "en",
            )
        except Refusal as refusal:
            add_to_form(self, refusal)
        return data


class LinkForm(forms.Form):
    label = forms.CharField(label=_("For"), max_length=255, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3650, initial=settings.REPORT_LINK_DAYS
    )


class ProgrammeForm(forms.Form):
    """What a funder asks of the programme report; every field optional."""

    FORMATS = ("pdf", "csv", "xlsx", "people-csv", "people-xlsx")

    programme = forms.IntegerField(label=_("Programme"), required=False, min_value=1)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[(name, name) for name in FORMATS]
    )

    def __init__(self, data, **kwargs):
        data = data.copy()
        data.setdefault("start", data.get("from", ""))
        data.setdefault("end", data.get("to", ""))
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period must end on or after its first day."))
        return data
