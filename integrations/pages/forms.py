from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.models import Webhook


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example “attendance scanner”."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"), required=False, help_text=_("It may read, never change anything.")
    )


class WebhookForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Workshop"), queryset=None)
    url = forms.URLField(
        label=_("Receiver address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are sent (POST, JSON, signed)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Webhook.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops
