"""The post-event report read back: the demo workshop's PDF in English and Chinese (its text,
fonts and pages), the overview drafted from data, and a flat query count."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import translation

from events.models import Agency, Trainer, Workshop, WorkshopAgency
from feedback.models import Answer, Question, Questionnaire
from feedback.services import set_quotable
from participants.models import Attendance
from reports import statistics
from reports.demo.reference import AGENCIES, PROVINCES, TRAINERS
from reports.pdf.report import report_pdf
from reports.report import date_range, report_content
from reports.services import save_report
from tests import factories
from tests.conftest import at
from tests.reports.pdfcheck import is_blank, page_count, pdf_fonts, pdf_text, render_pages

NOW = datetime(2008, 8, 1, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def lijiang(loaded_demo):
    return Workshop.objects.get(slug="lijiang-2007")


def squeeze(text: str) -> str:
    """Text without any white space: lines wrap names anywhere, Chinese ones especially."""
    return re.sub(r"\s+", "", text)


def build(workshop, language):
    content = report_content(workshop, language, now=NOW)
    return content, report_pdf(content)


def test_date_ranges_as_the_summary_writes_them():
    from datetime import date

    assert date_range(date(2007, 8, 26), date(2007, 8, 31), "en") == "26 to 31 August 2007"
    assert date_range(date(2007, 8, 30), date(2007, 9, 2), "en") == "30 August to 2 September 2007"
    assert date_range(date(2007, 8, 26), date(2007, 8, 31), "zh-hans") == "2007年8月26日至31日"
    assert date_range(date(2007, 12, 30), date(2008, 1, 2), "zh-hans") == (
        "2007年12月30日至2008年1月2日"
    )


def test_demo_report_in_english_says_what_the_summary_says(lijiang):
    _content, data = build(lijiang, "en")
    pages = pdf_text(data)
    text = squeeze(" ".join(pages))
    # The overview's first sentence, drafted from the data as the 2007 summary words it.
    assert (
        squeeze(
            "Hosted by the National Working Committee on Children and Women under the State "
            "Council and the Ministry of Public Security in cooperation with the UNIAP China "
            "Office and the International Organization for Migration, the National "
            "Anti-Trafficking Workshop was held from 26 to 31 August 2007 in Lijiang, Yunnan "
            "Province."
        )
        in text
    )
    for key in ("nwccw", "mps", "uniap_china", "iom", "mfa", "cccmps", "cyl"):
        assert squeeze(AGENCIES[key].name) in text, key
    for _key, region, _local, _name in PROVINCES:
        assert squeeze(region) in text, region
    # Every trainer with their title, as the summary names them.
    for phrase in (
        "Deputy Director-General Huang TaiYun from the Criminal Legislation Department",
        "Prof. Liang ShuYing from the China University of Political Science and Law",
        "Dr. Mi XiaoXiong from the Social Policy Research Centre",
        "Tong JiYu, a researcher from the Yunnan Academy of Social Sciences",
        "Lance Bonneau, a senior regional programme officer",
    ):
        assert squeeze(phrase) in text, phrase
    assert squeeze("Lijiang Guanfang Hotel, Lijiang, Yunnan Province, China") in text
    assert squeeze("(Provided by the UNIAP China Office, 1 August 2008)") in text
    assert "Contents" in pages[0]
    # The contents list's page numbers (written last on its page, after the footer) are
    # those where the headings landed.
    titles = ["Overview", "Objectives", "Discussions", "Attending agencies", "Trainers"]
    titles += ["Timetable as delivered", "Participants", "Attendance", "Feedback"]
    numbers = [int(n) for n in pages[0].split(f"Page 1 of {len(pages)}")[1].split()[-9:]]
    assert len(numbers) == len(titles)
    for title, number in zip(titles, numbers, strict=True):
        assert re.search(rf"(^|\n){title}\n", pages[number - 1]), (title, number)
    assert numbers[-1] > 3
    # The figures, as the statistics functions count them.
    with translation.override("en"):
        figures = statistics.report_figures(lijiang, now=NOW)
    assert f"{figures.people.total} confirmed participants." in " ".join(pages)
    for group in figures.people.by_gender.groups:
        assert squeeze(f"{group.label} {group.count}") in text
    completed = f"{figures.completed} ({round(100 * figures.completion_rate)}%)"
    assert squeeze(f"Completed the workshop {completed}") in text
    evaluation = figures.evaluations[0]
    assert (
        squeeze(
            f"{evaluation.answered} of {evaluation.invited} confirmed participants answered "
            f"({round(100 * evaluation.response_rate)}%)"
        )
        in text
    )
    for rate in figures.days:
        if rate.expected:
            assert squeeze(f"{rate.attended} {rate.expected} {round(100 * rate.rate)}%") in text
    gain = figures.gains[0].workshop
    assert squeeze(f"All participants {gain.pairs} {gain.pre_mean:.1f} {gain.post_mean:.1f}") in (
        text
    )
    for result in evaluation.trainers:
        assert squeeze(f"{result.count} {result.mean:.1f} {result.median:.1f}") in text
    # Every page drawn, every font embedded.
    assert page_count(data) == len(pages) >= 4
    assert not any(is_blank(image) for image in render_pages(data))
    fonts = pdf_fonts(data)
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_demo_report_in_chinese(lijiang):
    _content, data = build(lijiang, "zh-hans")
    pages = pdf_text(data)
    text = squeeze(" ".join(pages))
    assert squeeze("全国反拐培训班") in text
    assert "国务院妇女儿童工作委员会和公安部主办" in text
    assert "2007年8月26日至31日" in text
    assert "云南省丽江" in text
    for key in ("nwccw", "mps", "uniap_china", "iom", "mfa", "cccmps", "cyl"):
        assert AGENCIES[key].name_local in text, key
    for _key, _region, region_local, _name in PROVINCES:
        assert region_local in text, region_local
    for trainer in TRAINERS.values():
        assert squeeze(trainer.name_local or trainer.name) in text
        for title in (trainer.honorific, trainer.position):
            assert squeeze(title) in text
    with translation.override("zh-hans"):
        figures = statistics.report_figures(lijiang, now=NOW)
    assert f"{figures.people.total}名确认参加的学员" in text
    for group in figures.people.by_gender.groups:
        assert f"{group.label}{group.count}" in text
    assert "第1页，共" in text  # noqa: RUF001
    assert not any(is_blank(image) for image in render_pages(data))
    assert all(font["emb"] == "yes" for font in pdf_fonts(data))


def test_organisers_text_replaces_the_draft_and_cannot_inject_markup(lijiang):
    save_report(
        workshop=lijiang,
        text={
            "overview": 'Our own words <font size="80">big</font> & more.',
            "recommendations": "Hold it again in 2008.",
            "recommendations_local": "建议二〇〇八年再次举办。",
        },
    )
    text = " ".join(pdf_text(build(lijiang, "en")[1]))
    assert 'Our own words <font size="80">big</font> & more.' in text
    assert "Hosted by" not in text
    assert "Hold it again in 2008." in text
    chinese = squeeze(" ".join(pdf_text(build(lijiang, "zh-hans")[1])))
    assert "建议二〇〇八年再次举办。" in chinese
    assert "国务院妇女儿童工作委员会和公安部主办" not in chinese or "Ourownwords" in chinese


def _workshop_of(size: int) -> Workshop:
    """A workshop with ``size`` confirmed people, two sessions marked, an evaluation."""
    workshop = Workshop.objects.create(
        title=f"Workshop of {size}",
        slug=f"w{size}",
        start_date=at(26, 9).date(),
        end_date=at(27, 9).date(),
        timezone="Asia/Shanghai",
        city="Lijiang",
        status=Workshop.Status.COMPLETED,
    )
    host = Agency.objects.create(name=f"Host {size}")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role=WorkshopAgency.Role.HOST)
    trainer = Trainer.objects.create(name=f"Trainer {size}", agency=host)
    sessions = []
    for day in (26, 27):
        session = workshop.sessions.create(
            title=f"Day {day}", starts_at=at(day, 9), ends_at=at(day, 10)
        )
        session.trainers.add(trainer)
        sessions.append(session)
    registrations = factories.bulk_registrations(
        workshop,
        size,
        email=f"p{{n}}@w{size}.example.org",
        each=lambda n: {"gender": "female" if n % 2 else "male"},
        agency=host,
    )
    Attendance.objects.bulk_create(
        Attendance(registration=registration, session=session, status="present")
        for registration in registrations
        for session in sessions
    )
    evaluation = Questionnaire.objects.create(workshop=workshop, title="Evaluation")
    Question.objects.create(questionnaire=evaluation, text="Useful?", kind=Question.Kind.RATING)
    return workshop


@pytest.mark.parametrize("size", [30, 1000])
def test_report_query_count_is_the_same_for_30_and_1000(db, size, django_assert_num_queries):
    workshop = _workshop_of(size)
    # The report, the agencies' roles; report_figures: the sessions, their trainers, the
    # trainers' agencies, their topics, session rates (confirmed count, sessions), the
    # questionnaires, the figures, the breakdowns, day rates (slots, attended, confirmed
    # count), the completed, certificates; the evaluation's results (counts, questions,
    # the ratings' GROUP BY, choices, comments). Nothing per person, session or answer.
    with django_assert_num_queries(21):
        content = report_content(workshop, "en", now=NOW)
        data = report_pdf(content)
    assert f"{size} confirmed participants." in " ".join(pdf_text(data))


def test_build_document_report(lijiang, tmp_path):
    output = tmp_path / "report.pdf"
    call_command(
        "build_document", "report", "lijiang-2007", "--language", "zh-hans", "--output", str(output)
    )
    assert "全国反拐培训班" in squeeze(" ".join(pdf_text(output.read_bytes())))


def test_quotable_comments_and_only_those_appear_in_the_report(lijiang):
    comments = list(
        Answer.objects.filter(question__questionnaire__workshop=lijiang)
        .exclude(text="")
        .order_by("text")
    )
    assert len(comments) >= 2, "the demo has comments to quote"
    quoted, unquoted = comments[0], comments[-1]
    set_quotable(answer=quoted, quotable=True)

    _content, pdf = build(lijiang, "en")

    text = squeeze("".join(pdf_text(pdf)))
    assert "Whatparticipantssaid" in text
    assert squeeze(quoted.text) in text
    assert squeeze(unquoted.text) not in text
