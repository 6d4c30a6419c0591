"""Evaluations and knowledge tests.

Anonymity is structural: an anonymous ``Response`` has no link to a person, a UUID key
(so its order reveals nothing), no language and only the day its batch joined the results;
its ``Answer`` rows have UUID keys too. ``Submission`` is the separate record that a
registration has answered a questionnaire, so nobody answers twice. Between the two stands
``SealedResponse``: the answers, encrypted, written with the ``Submission`` and moved to the
results later, in shuffled batches, by another transaction (``feedback.anonymity`` tells
why and against whom).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.constraints import FieldCheckConstraint, FieldUniqueConstraint
from events.localised import localised
from events.models import Session, Trainer, Workshop
from participants.models import Registration

RATING_MIN, RATING_MAX = 1, 5
# What each point of the scale means, shown beside the radio buttons.
RATING_LABELS = {
    1: _("Very poor"),
    2: _("Poor"),
    3: _("Fair"),
    4: _("Good"),
    5: _("Excellent"),
}


class Questionnaire(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Evaluation")
        PRE_TEST = "pre_test", _("Knowledge test before")
        POST_TEST = "post_test", _("Knowledge test after")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="questionnaires")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVALUATION)
    title = models.CharField(_("title (English)"), max_length=255)
    title_local = models.CharField(_("title (local script)"), max_length=255, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are stored with no link to the person who gave them."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    pre_test = models.ForeignKey(
        "self",
        verbose_name=_("matching test before"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="post_tests",
        help_text=_("For a test after the workshop: the test before it, to compare scores."),
    )
    trainers_see_results = models.BooleanField(
        _("trainers see their results"),
        default=False,
        help_text=_(
            "Each trainer may read the results of the questions about them through their "
            "trainer's link (groups smaller than the minimum stay hidden)."
        ),
    )
    # When the link was last e-mailed to everyone, and when those who had not answered were
    # reminded: the daily command sends each once.
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["workshop", "kind", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="questionnaire_closes_after_opens",
                violation_error_field="closes_at",
                violation_error_code="closes_before_opens",
                violation_error_message=_("A questionnaire must close after it opens."),
            ),
            # Knowledge tests are scored per person to compare before and after.
            FieldCheckConstraint(
                condition=Q(kind="evaluation") | Q(is_anonymous=False),
                name="questionnaire_tests_not_anonymous",
                violation_error_field="is_anonymous",
                violation_error_code="test_anonymous",
                violation_error_message=_(
                    "A knowledge test cannot be anonymous: its scores are compared person by "
                    "person, before and after."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_test(self) -> bool:
        return self.kind != self.Kind.EVALUATION

    def title_in(self, language: str) -> str:
        return localised(self, "title", language)


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RATING)
    text = models.CharField(_("question (English)"), max_length=500)
    text_local = models.CharField(_("question (local script)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    # What the question is about, when not the workshop as a whole.
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    trainer = models.ForeignKey(
        # PROTECT: deleting a trainer must never delete the answers given about them.
        Trainer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    # Added from the timetable ("rate this session / trainer") and kept in step with it.
    is_generated = models.BooleanField(_("generated from the timetable"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return localised(self, "text", language)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("choice (English)"), max_length=255)
    text_local = models.CharField(_("choice (local script)"), max_length=255, blank=True)
    is_correct = models.BooleanField(_("correct answer"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return localised(self, "text", language)


class Response(models.Model):
    """One completed questionnaire. Anonymous ones have no registration."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    # A day, not a moment: a timestamp could be matched to the Submission that names the
    # person. For an anonymous response, the day its batch left the sealed box.
    submitted_on = models.DateField(_("submitted on"))
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            FieldUniqueConstraint(
                fields=["questionnaire", "registration"],
                condition=Q(registration__isnull=False),
                name="response_unique_per_registration",
                violation_error_field="registration",
                violation_error_code="unique",
                violation_error_message=_(
                    "This registration has already answered this questionnaire."
                ),
            ),
        ]

    def __str__(self) -> str:
        # Never who answered: an evaluation's responses are anonymous.
        return _("Response of %(day)s to %(questionnaire)s") % {
            "day": date_format(self.submitted_on),
            "questionnaire": self.questionnaire,
        }


class Answer(models.Model):
    """One answer to one question: a rating, a choice or a text, exactly one of them.

    A question with several choices has one answer row per choice ticked. The key is a
    UUID: an ordinal key would number the answers in the order they were written.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)
    # A comment the organisers chose to quote in the report.
    quotable = models.BooleanField(_("quotable"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            FieldCheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_in_range",
                violation_error_field="rating",
                violation_error_code="rating_out_of_range",
                # RATING_MIN and RATING_MAX: a constraint's message takes no parameters.
                violation_error_message=_("A rating must be from 1 to 5."),
            ),
            # About three fields at once: an error on the whole answer.
            models.CheckConstraint(
                condition=(
                    Q(rating__isnull=False, choice__isnull=True, text="")
                    | Q(rating__isnull=True, choice__isnull=False, text="")
                    | (Q(rating__isnull=True, choice__isnull=True) & ~Q(text=""))
                ),
                name="answer_exactly_one_value",
                violation_error_code="not_one_value",
                violation_error_message=_(
                    "An answer holds exactly one of a rating, a choice or a text."
                ),
            ),
            FieldUniqueConstraint(
                fields=["response", "question", "choice"],
                name="answer_choice_once_per_response",
                violation_error_field="choice",
                violation_error_code="unique",
                violation_error_message=_("This choice is already ticked in this response."),
            ),
            # A rating or a text is one answer per question; only ticked choices are several.
            FieldUniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_once_per_question",
                violation_error_field="question",
                violation_error_code="unique",
                violation_error_message=_("This question already has an answer in this response."),
            ),
        ]

    def __str__(self) -> str:
        return _("Answer to “%(question)s”") % {"question": self.question}


class Submission(models.Model):
    """That a registration has answered a questionnaire, and when: nothing of what it said."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="submissions"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="submissions"
    )
    # Set by submit_response to the moment it accepted the answers (which it is told, so
    # that imports and the demo can give the real one). The anonymous rows carry no time.
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            FieldUniqueConstraint(
                fields=["questionnaire", "registration"],
                name="submission_once_per_questionnaire",
                violation_error_field="registration",
                violation_error_code="unique",
                violation_error_message=_(
                    "This registration has already answered this questionnaire."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s answered %(questionnaire)s") % {
            "name": self.registration.name or self.registration.participant,
            "questionnaire": self.questionnaire,
        }


class SealedResponse(models.Model):
    """Answers given but not yet in the results: encrypted, with nothing but the questionnaire.

    Written in the transaction that writes the ``Submission``, so that a crash loses
    nothing; emptied into ``Response`` and ``Answer`` rows by ``feedback.anonymity.flush``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sealed_responses"
    )
    sealed = models.BinaryField(_("sealed answers"))

    class Meta:
        verbose_name = _("sealed response")
        verbose_name_plural = _("sealed responses")

    def __str__(self) -> str:
        return _("Sealed response to %(questionnaire)s") % {"questionnaire": self.questionnaire}
