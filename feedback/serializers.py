"""What the API shows of questionnaires and accepts as a response. Results come out only as
the figures of ``feedback.statistics``, under its minimum-group rule."""

from rest_framework import serializers

from feedback.models import Choice, Question, Questionnaire
from integrations.rest import (
    MAX_ID,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
)


class ChoiceSerializer(StrictModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text", "text_local"]


class QuestionSerializer(StrictModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "text_local", "required", "session", "trainer"]
        fields += ["choices"]


class QuestionnaireSerializer(StrictModelSerializer):
    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "workshop", "kind", "title", "title_local", "introduction"]
        fields += ["is_anonymous", "opens_at", "closes_at", "questions"]


class ResponseSubmissionSerializer(serializers.Serializer):
    questionnaire = StrictIntegerField(min_value=1, max_value=MAX_ID)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question id → its answer: 1 to 5 for a rating, a choice id (a list of them "
        "for several choices), text for an open question.",
    )
    language = StrictCharField(max_length=10, required=False, allow_blank=True, default="")


class SubmittedSerializer(serializers.Serializer):
    questionnaire = StrictIntegerField()
    sealed = StrictBooleanField(
        help_text="An anonymous response waits, sealed, until enough have come to be counted."
    )


class ChoiceCountSerializer(serializers.Serializer):
    choice = StrictIntegerField()
    text = StrictCharField()
    count = StrictIntegerField()


class ItemResultSerializer(serializers.Serializer):
    question = StrictIntegerField()
    text = StrictCharField()
    kind = StrictCharField()
    shown = StrictBooleanField(
        help_text="False when fewer than the minimum group answered: no figures then."
    )
    count = StrictIntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=StrictIntegerField(), allow_null=True)
    choices = ChoiceCountSerializer(many=True, allow_null=True)
    comments = serializers.ListField(child=StrictCharField(), allow_null=True)


class ResultsSerializer(serializers.Serializer):
    questionnaire = StrictIntegerField()
    invited = StrictIntegerField()
    answered = StrictIntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    min_group = StrictIntegerField()
    items = ItemResultSerializer(many=True)
