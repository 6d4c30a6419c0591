"""The post-event report of a workshop with 1,000 participants, 60 sessions and 800 responses
to an evaluation of 30 questions, in English and in Chinese.

The figure is the median time of building the report as the pages and ``build_document``
do: its figures from the database (``reports.statistics``), its content, its flowables,
one layout pass (the contents' page numbers and "page x of y" written on save). The floor
is reportlab alone rendering the same final pages from content already built: the same
flowables, made beforehand, laid out by a plain ``BaseDocTemplate``, the contents by
reportlab's own ``TableOfContents`` and ``multiBuild`` (its documented recipe: the layout
again until the page numbers settle), with a plain two-pass numbered canvas. Targets:
within 1.5x the floor, and under 2 s. On a scratch SQLite database (``BENCH_DATABASE_URL``
to use another); the planner's statistics are gathered (ANALYZE) after loading.

    .venv/bin/python -m bench report
"""

import io
import random
import time
import uuid
from datetime import date

from bench._harness import analyze, ceiling, interleaved, report, setup_django

PEOPLE = 1000
SESSIONS = 60
RESPONSES = 800
QUESTIONS = 30
REPEAT = 5
TARGET = 1.5
CEILING = 2.0  # seconds


def build():
    """The workshop: its people and marks (the attendance benchmark's builder), its
    agencies' roles, five trainers across the sessions, and the evaluation's answers."""
    from bench.attendance_documents import make_workshop
    from events.models import Agency, Trainer, WorkshopAgency
    from feedback.models import Answer, Question, Questionnaire, Response, Submission

    workshop, sessions = make_workshop("report", PEOPLE, sessions=SESSIONS, marks=True)
    workshop.region, workshop.country = "Yunnan Province", "China"
    workshop.save()
    roles = [
        ("Ministry of Public Security", "公安部", WorkshopAgency.Role.HOST, {}),
        (
            "UNIAP China Office",
            "联合国机构间反对拐卖人口项目中国办公室",
            WorkshopAgency.Role.PARTNER,
            {"kind": Agency.Kind.UN},
        ),
        ("Donor Agency", "捐助机构", WorkshopAgency.Role.FUNDER, {}),
    ]
    for name, local, role, extra in roles:
        agency = Agency.objects.create(name=name, name_local=local, **extra)
        WorkshopAgency.objects.create(workshop=workshop, agency=agency, role=role)
    for n, agency in enumerate(Agency.objects.filter(name__startswith="Provincial")[:20]):
        agency.level = Agency.Level.PROVINCIAL
        agency.region = f"Province {n:02d}"
        agency.save()
        WorkshopAgency.objects.create(
            workshop=workshop, agency=agency, role=WorkshopAgency.Role.ATTENDING
        )
    trainers = [
        Trainer.objects.create(name=f"Trainer {n}", honorific="Dr.", position="researcher")
        for n in range(5)
    ]
    for n, session in enumerate(sessions):
        session.trainers.add(trainers[n % 5])

    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    questions = []
    for order in range(1, QUESTIONS + 1):
        about = {}
        if order <= 5:
            about = {"session": sessions[order - 1]}
        elif order <= 10:
            about = {"trainer": trainers[order - 6]}
        kind = Question.Kind.TEXT if order % 10 == 0 else Question.Kind.RATING
        questions.append(
            Question(
                questionnaire=evaluation,
                order=order,
                kind=kind,
                text=f"Question {order}?",
                text_local=f"问题{order}",
                required=kind == Question.Kind.RATING,
                **about,
            )
        )
    questions = Question.objects.bulk_create(questions)
    rng = random.Random(1)
    responses = Response.objects.bulk_create(
        Response(id=uuid.uuid4(), questionnaire=evaluation, submitted_on=date(2007, 8, 31))
        for _ in range(RESPONSES)
    )
    Answer.objects.bulk_create(
        (
            Answer(
                id=uuid.uuid4(),
                response=response,
                question=question,
                rating=None if question.kind == Question.Kind.TEXT else rng.randint(2, 5),
                text=f"Comment {n}" if question.kind == Question.Kind.TEXT else "",
                quotable=question.kind == Question.Kind.TEXT and n % 100 == 0,
            )
            for n, response in enumerate(responses)
            for question in questions
        ),
        batch_size=5000,
    )
    Submission.objects.bulk_create(
        Submission(questionnaire=evaluation, registration=registration)
        for registration in workshop.registrations.all()[:RESPONSES]
    )
    return workshop


def floor_story(story: list) -> list:
    """The same flowables, with reportlab's own ``TableOfContents`` for the contents list."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import TableStyle
    from reportlab.platypus.tableofcontents import TableOfContents

    from reports.pdf.fonts import LATIN
    from reports.pdf.report import ContentsList
    from reports.pdf.text import markup

    out = []
    for flowable in story:
        if isinstance(flowable, ContentsList):
            toc = TableOfContents()
            toc.levelStyles = [ParagraphStyle("toc", fontName=LATIN, fontSize=10, leading=14)]
            toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), LATIN)])
            flowable = toc
        elif getattr(flowable, "toc_key", None) is not None:
            flowable.toc_entry = markup(flowable.toc_text)
        out.append(flowable)
    return out


def floor_pdf(story) -> bytes:
    """reportlab alone: the same flowables laid out by a plain document template, with the
    contents list filled by reportlab's own recipe (notify each heading after it is laid
    out, ``multiBuild`` until the entries settle)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from bench.attendance_documents import _numbered_canvas

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            if getattr(flowable, "toc_key", None) is not None:
                self.canv.bookmarkPage(flowable.toc_key)
                self.notify("TOCEntry", (0, flowable.toc_entry, self.page, flowable.toc_key))

    buffer = io.BytesIO()
    doc = Doc(buffer, pagesize=A4, invariant=True)
    frame = Frame(42.5, 51, A4[0] - 85, A4[1] - 93.5, id="f")
    doc.addPageTemplates([PageTemplate(id="p", frames=[frame])])
    doc.multiBuild(floor_story(story), canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def main() -> None:
    setup_django()
    from django.utils import timezone, translation

    from reports.pdf.report import report_pdf, report_story
    from reports.report import report_content

    workshop = build()
    analyze(sqlite=True)
    for language in ("en", "zh-hans"):
        content = report_content(workshop, language, now=timezone.now())
        with translation.override(language):
            stories = [report_story(content) for _ in range(REPEAT + 1)]
        built = {}

        def ours_once(language=language, built=built):
            built["data"] = report_pdf(report_content(workshop, language, now=timezone.now()))

        # In turns with the floor (each floor run draws a story of its own, pre-built: a
        # story is consumed by its layout); the first turn warms fonts, translations, plans.
        figures = interleaved(
            {"ours": ours_once, "floor": lambda stories=stories: floor_pdf(stories.pop())},
            repeat=REPEAT,
            warmup=1,
        )
        value, floor, data = figures["ours"], figures["floor"], built["data"]
        start = time.perf_counter()
        report_content(workshop, language, now=timezone.now())
        print(f"  of which the figures and content: {time.perf_counter() - start:.2f} s")
        report(
            f"report ({language}, {PEOPLE} people, {SESSIONS} sessions, {RESPONSES} responses"
            f" x {QUESTIONS} questions, {len(data):,} bytes)",
            value,
            "s",
            baseline_name="reportlab alone on the pre-built flowables",
            baseline=floor,
            target=TARGET,
        )
        ceiling(f"report ({language})", value, CEILING)
