"""The organisers' forms for questionnaires and questions. Each ``save`` calls a service and
puts its refusal (``FeedbackError``) on the field it names; the participant's answering
form is not a Django form: its fields are the questions, checked by ``submit_response``.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.refusals import add_to_form
from events.forms import LabelsAbove, LocalDateTimeField
from events.models import Workshop
from feedback import services
from feedback.models import Question, Questionnaire
from feedback.services import FeedbackError, QuestionData


class FeedbackErrorsMixin(LabelsAbove):
    def add_feedback_error(self, error: FeedbackError) -> None:
        add_to_form(self, error)


class QuestionnaireForm(FeedbackErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Questionnaire.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title (English)"), max_length=255)
    title_local = forms.CharField(
        label=gettext_lazy("Title (local script)"), max_length=255, required=False
    )
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    opens_at = LocalDateTimeField(label=gettext_lazy("Opens"), required=False)
    closes_at = LocalDateTimeField(label=gettext_lazy("Closes"), required=False)
    pre_test = forms.ModelChoiceField(
        label=gettext_lazy("Matching test before"),
        queryset=Questionnaire.objects.none(),
        required=False,
    )
    trainers_see_results = forms.BooleanField(
        label=gettext_lazy("Trainers see the results about themselves"), required=False
    )

    def __init__(self, *args, workshop: Workshop, instance: Questionnaire | None = None, **kwargs):
        self.workshop, self.instance = workshop, instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": instance.kind,
                    "title": instance.title,
                    "title_local": instance.title_local,
                    "introduction": instance.introduction,
                    "opens_at": instance.opens_at
                    and workshop.local(instance.opens_at).replace(tzinfo=None),
                    "closes_at": instance.closes_at
                    and workshop.local(instance.closes_at).replace(tzinfo=None),
                    "pre_test": instance.pre_test_id,
                    "trainers_see_results": instance.trainers_see_results,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["pre_test"].queryset = workshop.questionnaires.filter(
            kind=Questionnaire.Kind.PRE_TEST
        )
        tz_help = _("Local time in %(tz)s.") % {"tz": workshop.timezone}
        self.fields["opens_at"].help_text = self.fields["closes_at"].help_text = tz_help
        if instance is not None:
            del self.fields["kind"]

    def clean(self):
        cleaned = super().clean()
        for name in ("opens_at", "closes_at"):
            if cleaned.get(name):
                cleaned[name] = cleaned[name].replace(tzinfo=self.workshop.tz)
        return cleaned

    def save(self) -> Questionnaire | None:
        data = dict(self.cleaned_data)
        try:
            if self.instance is None:
                return services.create_questionnaire(workshop=self.workshop, **data)
            return services.update_questionnaire(questionnaire=self.instance, **data)
        except FeedbackError as error:
            self.add_feedback_error(error)
            return None


def parse_choices(text: str) -> list[tuple[str, str, bool]]:
    """One choice a line: ``English | local``, a leading ``*`` marking a correct answer."""
    choices = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        correct = line.startswith("*")
        english, _bar, local = line.lstrip("*").partition("|")
        choices.append((english.strip(), local.strip(), correct))
    return choices


def format_choices(question: Question) -> str:
    return "\n".join(
        f"{'*' if c.is_correct else ''}{c.text}{' | ' + c.text_local if c.text_local else ''}"
        for c in question.choices.all()
    )


class QuestionForm(FeedbackErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=gettext_lazy("Question (English)"), max_length=500)
    text_local = forms.CharField(
        label=gettext_lazy("Question (local script)"), max_length=500, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False, initial=True)
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For a choice question: one a line, “English | local script”; start a correct "
            "answer of a knowledge test with *."
        ),
    )

    def __init__(
        self, *args, questionnaire: Questionnaire, instance: Question | None = None, **kwargs
    ):
        self.questionnaire, self.instance = questionnaire, instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": instance.kind,
                    "text": instance.text,
                    "text_local": instance.text_local,
                    "required": instance.required,
                    "choices": format_choices(instance),
                },
            )
        super().__init__(*args, **kwargs)

    def save(self) -> Question | None:
        data = QuestionData(
            kind=self.cleaned_data["kind"],
            text=self.cleaned_data["text"],
            text_local=self.cleaned_data["text_local"],
            required=self.cleaned_data["required"],
            choices=parse_choices(self.cleaned_data["choices"]),
        )
        try:
            if self.instance is None:
                return services.add_question(questionnaire=self.questionnaire, data=data)
            return services.update_question(question=self.instance, data=data)
        except FeedbackError as error:
            self.add_feedback_error(error)
            return None


class CopyQuestionnaireForm(LabelsAbove, forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire to copy"), queryset=Questionnaire.objects.none()
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda q: f"{q.workshop.title}: {q.title}"
