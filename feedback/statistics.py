"""The results of questionnaires, computed in the database, once, for every output: the
organisers' results page, the trainers' page, the CSV/XLSX exports and the coming report
and API all read ``questionnaire_results`` and ``knowledge_test_results``.

Counting is the database's: one ``GROUP BY`` gives every rating question's distribution
and every choice's count, another every knowledge test score; the mean and the median are then
read off the five counts of a distribution (exact, and the same whatever the number of
answers). A fixed number of queries, whatever the number of responses.

The group rule (``FEEDBACK_MIN_GROUP``, 5): a question's results, comments included, are
shown only once at least that many responses answered it; a breakdown (by agency, gender,
session) shows no group smaller than that: it says "fewer than 5" instead. Only answers
that have left the sealed box count (``feedback.anonymity``); ``pending`` says how many
wait.

Knowledge tests are named (their responses carry the registration), so that a score after
the workshop can be set beside the same person's score before. The pairing is done inside
the SQL of ``knowledge_test_results``; what comes out is only averages over groups of at least the
minimum: no page, export or API shows who scored what.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from events.models import Agency
from feedback.models import (
    RATING_MAX,
    RATING_MIN,
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    SealedResponse,
    Submission,
)
from participants.models import Registration

QK = Question.Kind
SCALE = tuple(range(RATING_MIN, RATING_MAX + 1))


def min_group() -> int:
    return settings.FEEDBACK_MIN_GROUP


def median_of(distribution: dict[int, int]) -> float | None:
    """The median of the values whose counts ``distribution`` gives (middle two averaged)."""
    total = sum(distribution.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(distribution):
        count = distribution[value]
        for position in middle:
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


@dataclass
class RatingResult:
    question: Question
    distribution: dict[int, int]
    shown: bool

    @property
    def count(self) -> int:
        return sum(self.distribution.values())

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        return sum(value * n for value, n in self.distribution.items()) / self.count

    @property
    def median(self) -> float | None:
        return median_of(self.distribution)

    chart_height = 20 * len(SCALE)

    def bars(self) -> list[tuple[int, int, float]]:
        """(value, count, share 0..100) for each point of the scale, for the chart."""
        top = max(self.distribution.values(), default=0) or 1
        return [(v, self.distribution[v], 100 * self.distribution[v] / top) for v in SCALE]


@dataclass
class ChoiceResult:
    question: Question
    respondents: int
    counts: list[tuple[Choice, int]]
    shown: bool

    @property
    def chart_height(self) -> int:
        return 20 * len(self.counts)

    def bars(self) -> list[tuple[Choice, int, float]]:
        top = max((n for _c, n in self.counts), default=0) or 1
        return [(choice, n, 100 * n / top) for choice, n in self.counts]


@dataclass
class Comment:
    id: str
    text: str
    quotable: bool


@dataclass
class TextResult:
    question: Question
    comments: list[Comment]
    shown: bool

    @property
    def count(self) -> int:
        return len(self.comments)


@dataclass
class QuestionnaireResults:
    questionnaire: Questionnaire
    invited: int
    answered: int
    pending: int
    responses: int
    min_group: int
    items: list = field(default_factory=list)  # RatingResult | ChoiceResult | TextResult

    @property
    def response_rate(self) -> float | None:
        """Who answered (the Submission records) over the confirmed participants."""
        return self.answered / self.invited if self.invited else None

    @property
    def ratings(self) -> list[RatingResult]:
        return [item for item in self.items if isinstance(item, RatingResult)]

    @property
    def general(self) -> list:
        return [i for i in self.items if not i.question.session_id and not i.question.trainer_id]

    @property
    def sessions(self) -> list[RatingResult]:
        return [item for item in self.ratings if item.question.session_id]

    @property
    def trainers(self) -> list[RatingResult]:
        return [item for item in self.ratings if item.question.trainer_id]

    @property
    def comments(self) -> list[TextResult]:
        return [item for item in self.items if isinstance(item, TextResult)]


def questionnaire_results(
    questionnaire: Questionnaire, *, questions=None, with_comments: bool = True
) -> QuestionnaireResults:
    """Every question's figures. Six queries, whatever the number of responses: the
    confirmed, answered and waiting counts and the responses (one query), the questions
    with their session and trainer, every rating's and choice's count (one GROUP BY), the
    respondents of several-choice questions (none if there are none), the choices, and
    the comments.

    ``questions`` narrows to some questions (a trainer's page).
    """
    limit = min_group()
    counts = (
        Questionnaire.objects.filter(pk=questionnaire.pk)
        .values("pk")
        .annotate(
            invited=_subcount(
                Registration.objects.filter(status=Registration.Status.CONFIRMED),
                "workshop_id",
                questionnaire.workshop_id,
            ),
            answered=_subcount(Submission.objects.all(), "questionnaire_id", questionnaire.pk),
            pending=_subcount(SealedResponse.objects.all(), "questionnaire_id", questionnaire.pk),
            responses=_subcount(Response.objects.all(), "questionnaire_id", questionnaire.pk),
        )
        .get()
    )
    if questions is None:
        questions = questionnaire.questions.all()
    questions = list(questions.select_related("session", "trainer").order_by("order", "pk"))
    ids = [question.pk for question in questions]
    answers = Answer.objects.filter(question_id__in=ids)

    # One pass over the ratings and choices: every (question, rating, choice) counted. A
    # rating or a single choice is one answer per response, so its counts sum to the
    # question's respondents; several choices need their responses counted apart.
    distributions: dict[int, dict[int, int]] = defaultdict(lambda: dict.fromkeys(SCALE, 0))
    choice_counts: dict[tuple[int, int], int] = {}
    respondents: dict[int, int] = defaultdict(int)
    for question_id, rating, choice_id, n in (
        answers.filter(Q(rating__isnull=False) | Q(choice__isnull=False))
        .values_list("question_id", "rating", "choice_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        if rating is not None:
            distributions[question_id][rating] = n
        else:
            choice_counts[question_id, choice_id] = n
        respondents[question_id] += n
    several = [question.pk for question in questions if question.kind == QK.MULTIPLE]
    respondents.update(
        answers.filter(question_id__in=several)
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )

    choices = defaultdict(list)
    for choice in Choice.objects.filter(question_id__in=ids).order_by("order", "pk"):
        choices[choice.question_id].append(choice)
    comments = defaultdict(list)
    # In key order: the keys are random, so this order tells nothing about who or when.
    for answer_id, question_id, text, quotable in (
        answers.filter(question__kind=QK.TEXT)
        .exclude(text="")
        .order_by("id")
        .values_list("id", "question_id", "text", "quotable")
    ):
        comments[question_id].append(Comment(str(answer_id), text, quotable))
        respondents[question_id] += 1

    items = []
    for question in questions:
        shown = respondents.get(question.pk, 0) >= limit
        if question.kind == QK.RATING:
            items.append(RatingResult(question, dict(distributions[question.pk]), shown))
        elif question.kind == QK.TEXT:
            shown_comments = comments[question.pk] if shown and with_comments else []
            items.append(TextResult(question, shown_comments, shown))
        else:
            items.append(
                ChoiceResult(
                    question,
                    respondents.get(question.pk, 0),
                    [(c, choice_counts.get((question.pk, c.pk), 0)) for c in choices[question.pk]],
                    shown,
                )
            )
    return QuestionnaireResults(
        questionnaire=questionnaire,
        invited=counts["invited"],
        answered=counts["answered"],
        pending=counts["pending"],
        responses=counts["responses"],
        min_group=limit,
        items=items,
    )


def _subcount(queryset, column: str, value):
    """COUNT of ``queryset``'s rows where ``column`` is ``value``, as a scalar subquery."""
    counted = (
        queryset.filter(**{column: value})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class RateRow:
    """One group's response rate: of ``invited`` confirmed participants, ``answered`` did."""

    label: str
    invited: int
    answered: int | None  # None when the group is smaller than the minimum
    shown: bool

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.shown and self.invited else None


def response_rates(questionnaire: Questionnaire) -> dict[str, list[RateRow]]:
    """The response rate by agency and by gender, from the Submission records (who has
    answered, never what): groups of fewer than the minimum confirmed participants show no
    figure. Two queries, one per grouping, and the agencies' names come with the first."""
    limit = min_group()
    confirmed = Registration.objects.filter(
        workshop_id=questionnaire.workshop_id, status=Registration.Status.CONFIRMED
    )
    answered = Count("submissions", filter=Q(submissions__questionnaire=questionnaire))
    genders = dict(Registration.Gender.choices)

    def rows(values, label_of) -> list[RateRow]:
        found = [
            RateRow(
                label=label_of(row),
                invited=row["invited"],
                answered=row["answered"] if row["invited"] >= limit else None,
                shown=row["invited"] >= limit,
            )
            for row in values
        ]
        return sorted(found, key=lambda row: (-row.invited, row.label))

    by_agency = (
        confirmed.values("agency_id", "agency__name")
        .annotate(invited=Count("pk", distinct=True), answered=answered)
        .order_by()
    )
    by_gender = (
        confirmed.values("gender")
        .annotate(invited=Count("pk", distinct=True), answered=answered)
        .order_by()
    )
    return {
        "agency": rows(by_agency, lambda row: row["agency__name"] or str(_("Agency not given"))),
        "gender": rows(by_gender, lambda row: str(genders.get(row["gender"], row["gender"]))),
    }


# ---------------------------------------------------------------------------------------------
# Knowledge tests

_SCORES_SQL = """
WITH scored AS (
  SELECT q.id AS question_id,
         SUM(CASE WHEN c.is_correct THEN 1 ELSE 0 END) AS correct_choices
    FROM {question} q JOIN {choice} c ON c.question_id = q.id
   WHERE q.questionnaire_id IN (%(pre)s, %(post)s)
   GROUP BY q.id
  HAVING SUM(CASE WHEN c.is_correct THEN 1 ELSE 0 END) > 0
),
per_answer AS (
  SELECT x.id AS response_id, x.questionnaire_id, x.registration_id, a.question_id,
         SUM(CASE WHEN c.is_correct THEN 1 ELSE 0 END) AS right_ticks,
         SUM(CASE WHEN c.is_correct THEN 0 ELSE 1 END) AS wrong_ticks
    FROM {response} x
    JOIN {answer} a ON a.response_id = x.id
    JOIN {choice} c ON c.id = a.choice_id
   WHERE x.questionnaire_id IN (%(pre)s, %(post)s)
   GROUP BY x.id, x.questionnaire_id, x.registration_id, a.question_id
),
scores AS (
  SELECT x.questionnaire_id, x.registration_id,
         COALESCE(SUM(CASE WHEN p.wrong_ticks = 0 AND p.right_ticks = s.correct_choices
                      THEN 1 ELSE 0 END), 0) AS score
    FROM {response} x
    LEFT JOIN per_answer p ON p.response_id = x.id
    LEFT JOIN scored s ON s.question_id = p.question_id
   WHERE x.questionnaire_id IN (%(pre)s, %(post)s) AND x.registration_id IS NOT NULL
   GROUP BY x.questionnaire_id, x.registration_id
)
SELECT {group} AS grp,
       COUNT(*) AS pairs,
       AVG(1.0 * b.score) AS pre_mean,
       AVG(1.0 * f.score) AS post_mean
  FROM scores b
  JOIN scores f ON f.registration_id = b.registration_id AND f.questionnaire_id = %(post)s
  JOIN {registration} r ON r.id = b.registration_id
 WHERE b.questionnaire_id = %(pre)s
 GROUP BY {group}
"""

_MAX_SQL = """
SELECT q.questionnaire_id, COUNT(DISTINCT q.id)
  FROM {question} q JOIN {choice} c ON c.question_id = q.id AND c.is_correct
 WHERE q.questionnaire_id IN (%(pre)s, %(post)s)
 GROUP BY q.questionnaire_id
"""

GROUPINGS = {
    "workshop": "b.questionnaire_id",  # one group: every pair
    "agency": "r.agency_id",
    "gender": "r.gender",
}


@dataclass(frozen=True)
class GainRow:
    """One group's paired scores: ``pairs`` people took both tests."""

    label: str
    pairs: int
    pre_mean: float | None
    post_mean: float | None
    maximum: int
    shown: bool

    @property
    def gain(self) -> float | None:
        if self.pre_mean is None:
            return None
        return self.post_mean - self.pre_mean

    @property
    def normalised_gain(self) -> float | None:
        """(post - pre) / (max - pre) on the group's means (Hake's average gain)."""
        if self.pre_mean is None or self.maximum - self.pre_mean <= 0:
            return None
        return (self.post_mean - self.pre_mean) / (self.maximum - self.pre_mean)


@dataclass
class GainResults:
    pre_test: Questionnaire
    post_test: Questionnaire
    maximum: int
    min_group: int
    workshop: GainRow
    by_agency: list[GainRow]
    by_gender: list[GainRow]


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def knowledge_test_results(post_test: Questionnaire) -> GainResults | None:
    """Learning gain of the workshop, by agency and by gender, from the people who took
    both ``post_test`` and its test before. None without a test before. Four queries: the
    maximum score, and one paired aggregate per grouping (plus the agencies' names)."""
    pre_test = post_test.pre_test
    if pre_test is None:
        return None
    qn = connection.ops.quote_name
    tables = {
        "question": qn(Question._meta.db_table),
        "choice": qn(Choice._meta.db_table),
        "response": qn(Response._meta.db_table),
        "answer": qn(Answer._meta.db_table),
        "registration": qn(Registration._meta.db_table),
    }
    params = {"pre": pre_test.pk, "post": post_test.pk}
    with connection.cursor() as cursor:
        cursor.execute(_MAX_SQL.format(**tables), params)
        maxima = dict(cursor.fetchall())
    maximum = maxima.get(post_test.pk, 0)
    limit = min_group()
    groups = {}
    for grouping, column in GROUPINGS.items():
        with connection.cursor() as cursor:
            cursor.execute(_SCORES_SQL.format(group=column, **tables), params)
            groups[grouping] = cursor.fetchall()
    agency_names = dict(
        Agency.objects.filter(pk__in=[g for g, *_ in groups["agency"] if g]).values_list(
            "pk", "name"
        )
    )
    genders = dict(Registration.Gender.choices)

    def rows(grouping, label_of) -> list[GainRow]:
        found = []
        for group, pairs, pre_mean, post_mean in groups[grouping]:
            shown = pairs >= limit
            found.append(
                GainRow(
                    label=label_of(group),
                    pairs=pairs,
                    pre_mean=_float(pre_mean) if shown else None,
                    post_mean=_float(post_mean) if shown else None,
                    maximum=maximum,
                    shown=shown,
                )
            )
        return sorted(found, key=lambda row: (-row.pairs, row.label))

    whole = rows("workshop", lambda _g: str(_("All participants")))
    empty = GainRow(str(_("All participants")), 0, None, None, maximum, False)
    return GainResults(
        pre_test=pre_test,
        post_test=post_test,
        maximum=maximum,
        min_group=limit,
        workshop=whole[0] if whole else empty,
        by_agency=rows("agency", lambda g: agency_names.get(g, str(_("Agency not given")))),
        by_gender=rows("gender", lambda g: str(genders.get(g, g))),
    )


# ---------------------------------------------------------------------------------------------
# Tables for the exports


def result_rows(results: QuestionnaireResults):
    """The header, then a row per question and choice: figures only, never a comment."""
    yield [
        _("Question"),
        _("About"),
        _("Answers"),
        _("Mean"),
        _("Median"),
        *[str(v) for v in SCALE],
        _("Choice"),
        _("Count"),
    ]
    for item in results.items:
        question = item.question
        about = str(question.session or question.trainer or "")
        if not item.shown:
            yield [question.text, about, _("fewer than %(n)d") % {"n": results.min_group}]
            continue
        if isinstance(item, RatingResult):
            yield [
                question.text,
                about,
                item.count,
                round(item.mean, 2),
                item.median,
                *[item.distribution[v] for v in SCALE],
            ]
        elif isinstance(item, ChoiceResult):
            for choice, n in item.counts:
                yield [
                    question.text,
                    about,
                    item.respondents,
                    None,
                    None,
                    *[None] * 5,
                    choice.text,
                    n,
                ]
        else:
            yield [question.text, about, item.count]


def person_score(response: Response) -> tuple[int, int]:
    """(score, maximum) of one knowledge-test response, for the person who gave it: a
    question scores when exactly its correct choices are ticked. Two queries."""
    correct: dict[int, set[int]] = defaultdict(set)
    for question_id, choice_id in Choice.objects.filter(
        question__questionnaire_id=response.questionnaire_id, is_correct=True
    ).values_list("question_id", "pk"):
        correct[question_id].add(choice_id)
    ticked: dict[int, set[int]] = defaultdict(set)
    for question_id, choice_id in response.answers.filter(choice__isnull=False).values_list(
        "question_id", "choice_id"
    ):
        ticked[question_id].add(choice_id)
    score = sum(1 for question_id, right in correct.items() if ticked[question_id] == right)
    return score, len(correct)
