"""What the API shows of questionnaires and accepts as a response. Results come out only as
the figures of ``feedback.statistics``, under its minimum-group rule."""

from rest_framework import serializers

from feedback.models import Choice, Question, Questionnaire


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text", "text_local"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "text_local", "required", "session", "trainer"]
        fields += ["choices"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "workshop", "kind", "title", "title_local", "introduction"]
        fields += ["is_anonymous", "opens_at", "closes_at", "questions"]


class ResponseSubmissionSerializer(serializers.Serializer):
    questionnaire = serializers.IntegerField(min_value=1)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question id → its answer: 1 to 5 for a rating, a choice id (a list of them "
        "for several choices), text for an open question.",
    )
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


class SubmittedSerializer(serializers.Serializer):
    questionnaire = serializers.IntegerField()
    sealed = serializers.BooleanField(
        help_text="An anonymous response waits, sealed, until enough have come to be counted."
    )


class ChoiceCountSerializer(serializers.Serializer):
    choice = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()


class ItemResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    shown = serializers.BooleanField(
        help_text="False when fewer than the minimum group answered: no figures then."
    )
    count = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    choices = ChoiceCountSerializer(many=True, allow_null=True)
    comments = serializers.ListField(child=serializers.CharField(), allow_null=True)


class ResultsSerializer(serializers.Serializer):
    questionnaire = serializers.IntegerField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    min_group = serializers.IntegerField()
    items = ItemResultSerializer(many=True)
