"""The admin for questionnaires and what people answered.

What participants answered is read here, never written: responses, answers and the records
of who has answered are view-only (a comment may be marked quotable, through the same
service as the organisers' page). An anonymous response has no link to a person, and its
page shows none, not even an empty field; answers waiting in the sealed box show only how
many wait (feedback.anonymity).
"""

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.admin_helpers import (
    ListRelatedOnEveryPageMixin,
    SharedChoicesFormSet,
    WorkshopTimeZoneMixin,
    count_of,
)
from events.models import Workshop
from events.timezones import zone_or_none
from feedback import services
from feedback.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
    Submission,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """View and delete only: what participants said is theirs, not the organisers'."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def session_label(session) -> str:
    when = date_format(session.workshop.local(session.starts_at), "DATETIME_FORMAT")
    return f"{session.title} ({when})"


class QuestionFormSet(SharedChoicesFormSet):
    shared_choice_fields = ("session", "trainer")

    def limit_choices(self, name, field) -> None:
        if name != "session":
            return
        # Questions are about this workshop's sessions, not every session ever planned; a
        # new questionnaire has no workshop yet, so none until it is saved.
        workshop_id = self.instance.workshop_id
        if workshop_id is None:
            field.queryset = field.queryset.none()
        else:
            field.queryset = field.queryset.filter(workshop_id=workshop_id).select_related(
                "workshop"
            )
        field.label_from_instance = session_label


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "order",
        "kind",
        "text",
        "text_local",
        "required",
        "session",
        "trainer",
        "is_generated",
    ]
    formset = QuestionFormSet
    show_change_link = True


@admin.register(Questionnaire)
class QuestionnaireAdmin(WorkshopTimeZoneMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "workshop",
        "kind",
        "is_anonymous",
        "opens_at",
        "closes_at",
        "questions_count",
        "responses_count",
        "pending_count",
    ]
    list_select_related = ["workshop"]
    actions = ["close_now"]
    readonly_fields = ["invited_at", "reminded_at"]
    list_filter = ["kind", "is_anonymous", "workshop"]
    search_fields = ["title", "title_local", "workshop__title"]
    autocomplete_fields = ["workshop", "pre_test"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["workshop", "kind", "title", "title_local", "introduction"]}),
        (
            None,
            {
                "fields": [
                    "is_anonymous",
                    "opens_at",
                    "closes_at",
                    "pre_test",
                    "trainers_see_results",
                    "invited_at",
                    "reminded_at",
                ],
                "description": _("Times are in the workshop's time zone."),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                questions_count=count_of(Questionnaire, "questions"),
                responses_count=count_of(Questionnaire, "responses"),
                pending_count=count_of(Questionnaire, "sealed_responses"),
            )
        )

    @admin.display(description=_("waiting to join the results"), ordering="pending_count")
    def pending_count(self, questionnaire):
        return questionnaire.pending_count

    @admin.action(description=_("Close now and move waiting answers into the results"))
    def close_now(self, request, queryset):
        moved = sum(
            services.close_questionnaire(questionnaire=questionnaire)
            for questionnaire in queryset.select_related("workshop")
        )
        self.message_user(
            request,
            _("%(n)d waiting responses joined the results.") % {"n": moved},
            messages.SUCCESS,
        )

    @admin.display(description=_("questions"), ordering="questions_count")
    def questions_count(self, questionnaire):
        return questionnaire.questions_count

    @admin.display(description=_("responses"), ordering="responses_count")
    def responses_count(self, questionnaire):
        return questionnaire.responses_count

    def workshop_timezone(self, request, object_id):
        workshop_id = request.POST.get("workshop")
        if workshop_id and str(workshop_id).isdigit():
            timezones = Workshop.objects.filter(pk=workshop_id)
        elif object_id is not None and str(object_id).isdigit():
            timezones = Workshop.objects.filter(questionnaires=object_id)
        else:
            return None
        return zone_or_none(timezones.values_list("timezone", flat=True).first())


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "text", "text_local", "is_correct"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "questionnaire",
        "kind",
        "order",
        "required",
        "session",
        "trainer",
        "choices_count",
    ]
    list_select_related = ["questionnaire", "session", "trainer"]
    list_filter = ["kind", "required", "questionnaire__kind"]
    search_fields = ["text", "text_local", "questionnaire__title"]
    autocomplete_fields = ["questionnaire", "session", "trainer"]
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(choices_count=count_of(Question, "choices"))

    @admin.display(description=_("choices"), ordering="choices_count")
    def choices_count(self, question):
        return question.choices_count


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["text", "question", "order", "is_correct"]
    list_select_related = ["question"]
    list_filter = ["is_correct"]
    search_fields = ["text", "text_local", "question__text"]
    autocomplete_fields = ["question"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "rating", "choice", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "choice")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "questionnaire",
        "workshop",
        "submitted_on",
        "language",
        "respondent",
        "answers_count",
    ]
    list_select_related = ["questionnaire__workshop", "registration"]
    list_filter = ["questionnaire__kind", "questionnaire__is_anonymous", "questionnaire"]
    search_fields = ["questionnaire__title", "answers__text"]
    inlines = [AnswerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answers_count=count_of(Response, "answers"))

    readonly_fields = ["respondent"]

    def get_fields(self, request, obj=None):
        fields = ["questionnaire", "submitted_on", "language"]
        # An anonymous response has no person to show, not even an empty field; a named one
        # (a knowledge test) shows who gave it.
        if obj is not None and obj.registration_id is not None:
            fields.append("respondent")
        return fields

    @admin.display(description=_("workshop"), ordering="questionnaire__workshop__title")
    def workshop(self, response):
        return response.questionnaire.workshop

    @admin.display(description=_("given by"))
    def respondent(self, response):
        if response.registration_id is None:
            return _("anonymous")
        return response.registration.name

    @admin.display(description=_("answers"), ordering="answers_count")
    def answers_count(self, response):
        return response.answers_count


@admin.register(Answer)
class AnswerAdmin(ListRelatedOnEveryPageMixin, ReadOnlyAdmin):
    list_display = ["question", "questionnaire", "value", "quotable", "response"]
    list_select_related = ["question__questionnaire", "choice", "response__questionnaire"]
    list_filter = ["question__questionnaire", "question__kind", "quotable"]
    search_fields = ["text", "question__text"]
    actions = ["mark_quotable", "mark_not_quotable"]

    def _set_quotable(self, request, queryset, quotable: bool) -> None:
        done = 0
        for answer in queryset.exclude(text=""):
            services.set_quotable(answer=answer, quotable=quotable)
            done += 1
        self.message_user(request, _("%(n)d comments changed.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Mark the comments as quotable"))
    def mark_quotable(self, request, queryset):
        self._set_quotable(request, queryset, True)

    @admin.action(description=_("Mark the comments as not quotable"))
    def mark_not_quotable(self, request, queryset):
        self._set_quotable(request, queryset, False)

    @admin.display(description=_("questionnaire"), ordering="question__questionnaire__title")
    def questionnaire(self, answer):
        return answer.question.questionnaire

    @admin.display(description=_("answer"))
    def value(self, answer):
        if answer.rating is not None:
            return answer.rating
        return answer.choice or answer.text


@admin.register(Submission)
class SubmissionAdmin(ListRelatedOnEveryPageMixin, ReadOnlyAdmin):
    list_display = ["questionnaire", "workshop", "participant", "submitted_at"]
    list_select_related = ["questionnaire__workshop", "registration"]
    # The title names who answered (the person, if the registration has no name).
    title_related = ("registration__participant",)
    list_filter = ["questionnaire"]
    search_fields = ["questionnaire__title", "registration__name"]

    @admin.display(description=_("workshop"), ordering="questionnaire__workshop__title")
    def workshop(self, submission):
        return submission.questionnaire.workshop

    @admin.display(description=_("participant"), ordering="registration__name")
    def participant(self, submission):
        return submission.registration.name


@admin.register(SealedResponse)
class SealedResponseAdmin(ReadOnlyAdmin):
    """Answers given but not yet in the results: which questionnaire, and nothing else (the
    content is encrypted; no order or time is shown, there being none to show)."""

    list_display = ["questionnaire", "workshop"]
    list_select_related = ["questionnaire__workshop"]
    list_filter = ["questionnaire"]
    fields = ["questionnaire"]

    @admin.display(description=_("workshop"), ordering="questionnaire__workshop__title")
    def workshop(self, sealed):
        return sealed.questionnaire.workshop
