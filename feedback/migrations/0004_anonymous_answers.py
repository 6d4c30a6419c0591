# Answers get UUID keys and the sealed box arrives (see feedback/anonymity.py).
#
# An ordinal key cannot be turned into a UUID in place (PostgreSQL has no cast from bigint to
# uuid, and the old numbers would keep the order of submission anyway), so the old table is
# renamed, its constraints dropped (index names are per schema), a new table created, the
# rows copied in a shuffled order with fresh random keys, and the old table dropped.

import random
import uuid

import django.db.models.deletion
import django.utils.timezone
import events.constraints
from django.db import migrations, models


def copy_answers_shuffled(apps, schema_editor):
    OldAnswer = apps.get_model("feedback", "OldAnswer")
    Answer = apps.get_model("feedback", "Answer")
    rows = list(OldAnswer.objects.values("response_id", "question_id", "rating", "choice_id", "text"))
    random.SystemRandom().shuffle(rows)
    Answer.objects.bulk_create([Answer(id=uuid.uuid4(), **row) for row in rows], batch_size=1000)


def copy_answers_back(apps, schema_editor):
    OldAnswer = apps.get_model("feedback", "OldAnswer")
    Answer = apps.get_model("feedback", "Answer")
    OldAnswer.objects.bulk_create(
        [
            OldAnswer(**row)
            for row in Answer.objects.values(
                "response_id", "question_id", "rating", "choice_id", "text"
            )
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="is_generated",
            field=models.BooleanField(default=False, verbose_name="generated from the timetable"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="invited_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="invitations sent"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="reminded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reminders sent"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="trainers_see_results",
            field=models.BooleanField(default=False, help_text="Each trainer may read the results of the questions about them through their trainer's link (groups smaller than the minimum stay hidden).", verbose_name="trainers see their results"),
        ),
        migrations.RemoveConstraint(model_name="answer", name="answer_rating_in_range"),
        migrations.RemoveConstraint(model_name="answer", name="answer_exactly_one_value"),
        migrations.RemoveConstraint(model_name="answer", name="answer_choice_once_per_response"),
        migrations.RemoveConstraint(model_name="answer", name="answer_once_per_question"),
        migrations.RenameModel(old_name="Answer", new_name="OldAnswer"),
        # The old table's reverse accessors would clash with the new one's.
        migrations.AlterField(
            model_name="oldanswer",
            name="response",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="feedback.response"),
        ),
        migrations.AlterField(
            model_name="oldanswer",
            name="question",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="feedback.question"),
        ),
        migrations.AlterField(
            model_name="oldanswer",
            name="choice",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="feedback.choice"),
        ),
        migrations.CreateModel(
            name="Answer",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("rating", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rating")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("quotable", models.BooleanField(default=False, verbose_name="quotable")),
                ("choice", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="feedback.choice")),
                ("question", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="feedback.question")),
                ("response", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="feedback.response")),
            ],
            options={
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
                "constraints": [
                    events.constraints.FieldCheckConstraint(condition=models.Q(("rating__isnull", True), models.Q(("rating__gte", 1), ("rating__lte", 5)), _connector="OR"), name="answer_rating_in_range", violation_error_code="rating_out_of_range", violation_error_field="rating", violation_error_message="A rating must be from 1 to 5."),
                    models.CheckConstraint(condition=models.Q(models.Q(("choice__isnull", True), ("rating__isnull", False), ("text", "")), models.Q(("choice__isnull", False), ("rating__isnull", True), ("text", "")), models.Q(("choice__isnull", True), ("rating__isnull", True), models.Q(("text", ""), _negated=True)), _connector="OR"), name="answer_exactly_one_value", violation_error_code="not_one_value", violation_error_message="An answer holds exactly one of a rating, a choice or a text."),
                    events.constraints.FieldUniqueConstraint(fields=("response", "question", "choice"), name="answer_choice_once_per_response", violation_error_code="unique", violation_error_field="choice", violation_error_message="This choice is already ticked in this response."),
                    events.constraints.FieldUniqueConstraint(condition=models.Q(("choice__isnull", True)), fields=("response", "question"), name="answer_once_per_question", violation_error_code="unique", violation_error_field="question", violation_error_message="This question already has an answer in this response."),
                ],
            },
        ),
        migrations.RunPython(copy_answers_shuffled, copy_answers_back),
        migrations.DeleteModel(name="OldAnswer"),
        migrations.AlterField(
            model_name="submission",
            name="submitted_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name="SealedResponse",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("sealed", models.BinaryField(verbose_name="sealed answers")),
                ("questionnaire", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sealed_responses", to="feedback.questionnaire")),
            ],
            options={
                "verbose_name": "sealed response",
                "verbose_name_plural": "sealed responses",
            },
        ),
    ]
