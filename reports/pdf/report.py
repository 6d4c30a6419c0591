"""The post-event report as a PDF, from ``reports.report.ReportContent``.

A title block (the workshop, its dates and place, hosts, partners, funders), the contents,
the overview and the organiser's sections, the attending agencies grouped, the trainers,
the timetable as delivered, the participants (tables and vector bar charts, labels in the
report's language), attendance, feedback, and "Provided by" with the date; "page x of y"
on every page. Every string goes through ``para``/``markup`` (reports.pdf.text); the charts
set their labels in the font that has their glyphs.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from reports.pdf.canvas import numbered_canvas
from reports.pdf.document import write_pdf
from reports.pdf.fonts import CJK, LATIN, register_fonts
from reports.pdf.layout import (
    MUTED,
    PORTRAIT,
    Styles,
    frame_width,
    style,
)
from reports.pdf.tables import grid_style, long_table
from reports.pdf.text import draw_text, has_cjk, para
from reports.report import ReportContent, is_chinese
from reports.statistics import Breakdown

WIDTH = frame_width(PORTRAIT)
BAR_HEIGHT = 14  # points per bar of a chart
NONE = "\u2013"  # an en dash: no figure
RULE_LIGHT = colors.HexColor("#cccccc")
CHART_FILL = colors.HexColor("#4a6f8a")


def percent(value: float | None) -> str:
    return NONE if value is None else f"{round(100 * value)}%"


def number(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}"


class ReportDocument(BaseDocTemplate):
    """Tells the canvas on which page each heading lands, for the contents list."""

    def afterFlowable(self, flowable):
        key = getattr(flowable, "toc_key", None)
        if key is not None:
            self.canv.bookmarkPage(key)
            self.canv.contents_pages[key] = self.page


class ContentsList(Flowable):
    """The contents: one line per heading of the story, its page number drawn when the
    document is saved, once every page is known.

    reportlab's ``TableOfContents`` needs the whole document laid out twice or three times
    (``multiBuild``) to learn the page numbers. The headings are known before the layout
    (``fill``), so the list has its final height in the only pass; the canvas, which holds
    every page until the end for "page x of y" anyway, writes the numbers then.
    """

    NUMBER_WIDTH = 40

    def __init__(self):
        super().__init__()
        self.entries: list[tuple[str, str]] = []  # (heading as typed, key)

    def fill(self, story: list) -> None:
        self.entries = [
            (flowable.toc_text, flowable.toc_key)
            for flowable in story
            if getattr(flowable, "toc_key", None) is not None
        ]

    def wrap(self, available_width, available_height):
        entry = _style("contents_entry", size=10)
        rows = [[para(text, entry)] for text, _key in self.entries] or [[""]]
        self._table = Table(
            rows,
            colWidths=[available_width - self.NUMBER_WIDTH],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), LATIN),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_LIGHT),
                ]
            ),
        )
        _width, self.height = self._table.wrap(available_width, available_height)
        self.width = available_width
        return self.width, self.height

    def draw(self):
        self._table.drawOn(self.canv, 0, 0)
        positions = self._table._rowpositions
        page = self.canv.getPageNumber()
        for index, (_text, key) in enumerate(self.entries):
            x, y = self.canv.absolutePosition(self.width, positions[index + 1] + 4)
            self.canv.contents_slots.append((page, x, y, key))


class ContentsCanvas:
    """Mixed into the numbered canvas: draws the contents' page numbers on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents_slots: list[tuple[int, float, float, str]] = []
        self.contents_pages: dict[str, int] = {}

    def _draw_footer(self, page: int, pages: int) -> None:
        super()._draw_footer(page, pages)
        for on_page, x, y, key in self.contents_slots:
            if on_page == page and key in self.contents_pages:
                draw_text(self, x, y, str(self.contents_pages[key]), 10, align="right")


def heading(text: str):
    """A section heading that the contents list picks up (by a key of its own, the same in
    every pass of the layout)."""
    flowable = para(text, Styles.get("heading"))
    flowable.toc_text = text
    flowable.toc_key = f"section-{id(flowable)}"
    return flowable


def prefill_contents(story: list) -> list:
    """Give the story's contents list its headings (see ``ContentsList``)."""
    for flowable in story:
        if isinstance(flowable, ContentsList):
            flowable.fill(story)
    return story


def subheading(text: str):
    return para(text, _style("subheading", size=11, bold=True, space_after=2))


_STYLES: dict = {}


def _style(name: str, **kwargs) -> ParagraphStyle:
    if name not in _STYLES:
        _STYLES[name] = style(name, **kwargs)
    return _STYLES[name]


def paragraphs(text: str) -> list:
    """A text's paragraphs (blank lines between them), each escaped by ``para``."""
    body = _style("report_body", size=10, space_after=6)
    return [para(part.strip(), body) for part in text.split("\n\n") if part.strip()]


def cell(value) -> object:
    return para(value, Styles.get("cell"))


def table(header: list[str], rows: list[list], widths: list[float]):
    return long_table(
        header,
        [[cell(value) for value in row] for row in rows],
        col_widths=[WIDTH * share for share in widths],
        style=grid_style(),
    )


def bar_chart(
    labels: list[str], values: list[float], *, maximum: float | None = None, label_format="%.0f"
):
    """A horizontal bar chart, one bar per label, its labels in the font their script needs."""
    register_fonts()
    count = len(labels)
    height = BAR_HEIGHT * count + 24
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    label_width = WIDTH * 0.38
    chart.x, chart.y = label_width, 16
    chart.width, chart.height = WIDTH - label_width - 10, BAR_HEIGHT * count
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = [_short(label) for label in reversed(labels)]
    font = CJK if any(has_cjk(label) for label in labels) else LATIN
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.labels.fontName = LATIN
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if maximum is not None:
        chart.valueAxis.valueMax = maximum
    chart.bars[0].fillColor = CHART_FILL
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d" if maximum is None else label_format
    chart.barLabels.fontName = LATIN
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def breakdown_block(title: str, found: Breakdown, language: str) -> list:
    """A breakdown's table (hidden groups say "fewer than 5") and its chart (shown groups)."""
    limit = _min_group()
    fewer = _("fewer than %(count)s") % {"count": limit}
    rows = [
        [group.label, str(group.count) if group.shown else fewer, _share(group, found)]
        for group in found.groups
    ]
    flowables = [
        subheading(title),
        table([_("Group"), _("People"), _("Share")], rows, [0.6, 0.2, 0.2]),
    ]
    shown = [group for group in found.groups if group.shown]
    if shown:
        flowables += [
            Spacer(1, 4),
            bar_chart([g.label for g in shown], [g.count for g in shown]),
        ]
    if found.hidden:
        flowables.append(
            para(
                _(
                    "Groups of fewer than %(count)s people are not shown, nor one that would "
                    "let them be worked out from the total."
                )
                % {"count": limit},
                Styles.get("muted"),
            )
        )
    flowables.append(Spacer(1, 8))
    return [KeepTogether(flowables[:3]), *flowables[3:]]


def _share(group, found: Breakdown) -> str:
    return percent(group.count / found.total) if group.shown and found.total else NONE


def _min_group() -> int:
    from reports.statistics import min_group

    return min_group()


def title_block(content: ReportContent) -> list:
    story = [
        para(_("Post-event report"), Styles.get("muted")),
        para(content.title, Styles.get("title")),
    ]
    if content.title_other:
        story.append(para(content.title_other, Styles.get("body")))
    story.append(Spacer(1, 8))
    rows = [
        (_("Dates"), content.dates),
        (_("Place"), content.place),
        (_("Hosts"), "; ".join(content.hosts)),
        (_("Partners"), "; ".join(content.partners)),
        (_("Funders"), "; ".join(content.funders)),
    ]
    story.append(
        long_table(
            [],
            [[cell(label), cell(value)] for label, value in rows if value],
            col_widths=[WIDTH * 0.2, WIDTH * 0.8],
            style=grid_style(header_rows=0, stripes=False),
        )
    )
    return story


def contents_list() -> ContentsList:
    return ContentsList()


def report_story(content: ReportContent) -> list:
    """The report's flowables, in the active language (``report_pdf`` sets it)."""
    language = content.language
    figures = content.figures
    people = figures.people
    story = title_block(content)
    story += [Spacer(1, 10), para(_("Contents"), _style("contents", size=12, bold=True))]
    story += [contents_list(), CondPageBreak(300)]

    story += [heading(_("Overview")), *paragraphs(content.overview)]
    for title, text in content.sections:
        story += [heading(title), *paragraphs(text)]

    if content.agency_groups:
        story.append(heading(_("Attending agencies")))
        for title, names in content.agency_groups:
            story.append(subheading(title))
            story += [para(f"• {name}", Styles.get("body")) for name in names]
            story.append(Spacer(1, 4))
        if content.provinces and not is_chinese(language):
            story.append(
                para(
                    _("Provinces represented: %(provinces)s")
                    % {
                        "provinces": "、".join(content.provinces)
                        if is_chinese(language)
                        else ", ".join(content.provinces)
                    },
                    Styles.get("body"),
                )
            )

    if content.trainers:
        story += [
            heading(_("Trainers")),
            table(
                [_("Trainer"), _("Title"), _("Agency")],
                [[t.name, t.title, t.agency] for t in content.trainers],
                [0.28, 0.3, 0.42],
            ),
        ]
    if content.topics:
        story.append(Spacer(1, 6))
        story.append(
            para(
                _("Topics: %(topics)s") % {"topics": "; ".join(content.topics)}, Styles.get("body")
            )
        )

    if content.timetable:
        cancelled = _("cancelled")
        story += [
            CondPageBreak(200),
            heading(_("Timetable as delivered")),
            table(
                [_("Day"), _("Time"), _("Session"), _("Trainers"), _("Attendance")],
                [
                    [
                        row.day,
                        row.time,
                        f"{row.title} ({cancelled})" if row.cancelled else row.title,
                        row.trainers,
                        cancelled if row.cancelled else percent(row.rate),
                    ]
                    for row in content.timetable
                ],
                [0.16, 0.13, 0.39, 0.2, 0.12],
            ),
        ]

    story += [CondPageBreak(250), heading(_("Participants"))]
    story.append(
        para(
            _("%(count)s confirmed participants.") % {"count": people.total},
            Styles.get("body"),
        )
    )
    story.append(Spacer(1, 4))
    for title, found in (
        (_("By gender"), people.by_gender),
        (_("By kind of agency"), people.by_kind),
        (_("By level of agency"), people.by_level),
        (_("By region"), people.by_region),
    ):
        story += breakdown_block(title, found, language)

    story += [CondPageBreak(250), heading(_("Attendance"))]
    rows = [
        [_("Attendance rate (sessions held so far)"), percent(figures.figures.attendance_rate)],
        [_("Completed the workshop"), f"{figures.completed} ({percent(figures.completion_rate)})"],
        [_("Certificates issued"), str(figures.certificates)],
    ]
    story.append(table([_("Figure"), _("Value")], rows, [0.7, 0.3]))
    days = [rate for rate in figures.days if rate.expected]
    if days:
        story += [Spacer(1, 8), subheading(_("Attendance by day"))]
        labels = [content_day(rate.key, language) for rate in days]
        story.append(
            table(
                [_("Day"), _("Attended"), _("Expected"), _("Rate")],
                [
                    [label, str(rate.attended), str(rate.expected), percent(rate.rate)]
                    for label, rate in zip(labels, days, strict=True)
                ],
                [0.4, 0.2, 0.2, 0.2],
            )
        )
        story += [
            Spacer(1, 4),
            bar_chart(labels, [100 * (rate.rate or 0) for rate in days], maximum=100),
        ]

    story += feedback_story(content)
    if content.provided_by:
        story += [
            Spacer(1, 14),
            para(
                _("(Provided by %(agency)s, %(date)s)")
                % {"agency": content.provided_by, "date": content.report_date},
                Styles.get("body"),
            ),
        ]
    else:
        story += [Spacer(1, 14), para(content.report_date, Styles.get("body"))]
    return prefill_contents(story)


def content_day(value, language: str) -> str:
    from reports.report import one_date

    return one_date(value, language)


def feedback_story(content: ReportContent) -> list:
    figures = content.figures
    if not figures.evaluations and not figures.gains:
        return []
    language = content.language
    story = [CondPageBreak(250), heading(_("Feedback"))]
    fewer = _("fewer than %(count)s") % {"count": _min_group()}
    for results in figures.evaluations:
        story.append(subheading(results.questionnaire.title_in(language)))
        story.append(
            para(
                _("%(answered)s of %(invited)s confirmed participants answered (%(rate)s).")
                % {
                    "answered": results.answered,
                    "invited": results.invited,
                    "rate": percent(results.response_rate),
                },
                Styles.get("body"),
            )
        )
        story.append(Spacer(1, 4))
        for title, items in (
            (_("Ratings"), [i for i in results.ratings if i in results.general]),
            (_("Ratings per session"), results.sessions),
            (_("Ratings per trainer"), results.trainers),
        ):
            if not items:
                continue
            story.append(para(title, Styles.get("cell_bold")))
            rows = []
            for item in items:
                question = _question_label(item.question, language)
                if item.shown:
                    rows.append(
                        [
                            question,
                            str(item.count),
                            number(item.mean),
                            number(item.median),
                            *(str(item.distribution.get(v, 0)) for v in range(1, 6)),
                        ]
                    )
                else:
                    rows.append([question, fewer, NONE, NONE, "", "", "", "", ""])
            story.append(
                table(
                    [_("Question"), _("Answers"), _("Mean"), _("Median"), "1", "2", "3", "4", "5"],
                    rows,
                    [0.42, 0.1, 0.08, 0.08, 0.064, 0.064, 0.064, 0.064, 0.064],
                )
            )
            means = [item for item in items if item.shown and item.mean is not None]
            if means and title == _("Ratings"):
                story += [
                    Spacer(1, 4),
                    bar_chart(
                        [_question_label(i.question, language) for i in means],
                        [i.mean for i in means],
                        maximum=5,
                        label_format="%.1f",
                    ),
                ]
            story.append(Spacer(1, 6))
        quotes = [
            comment.text
            for item in results.comments
            for comment in item.comments
            if comment.quotable
        ]
        if quotes:
            story.append(para(_("What participants said"), Styles.get("cell_bold")))
            quote_style = _style("quote", size=9, color=MUTED, space_after=3)
            story += [para(f"“{text}”", quote_style) for text in quotes]
            story.append(Spacer(1, 6))
    for gains in figures.gains:
        story.append(subheading(_("Knowledge test: before and after")))
        rows = []
        for row in [gains.workshop, *gains.by_gender, *gains.by_agency]:
            if row.shown:
                rows.append(
                    [
                        row.label,
                        str(row.pairs),
                        number(row.pre_mean),
                        number(row.post_mean),
                        number(row.gain),
                        percent(row.normalised_gain),
                    ]
                )
            else:
                rows.append([row.label, fewer, NONE, NONE, NONE, NONE])
        story.append(
            table(
                [_("Group"), _("People"), _("Before"), _("After"), _("Gain"), _("Normalised")],
                rows,
                [0.4, 0.12, 0.12, 0.12, 0.12, 0.12],
            )
        )
        story.append(
            para(
                _("Scores out of %(maximum)s; only people who took both tests are counted.")
                % {"maximum": gains.maximum},
                Styles.get("muted"),
            )
        )
    return story


def _question_label(question, language: str) -> str:
    text = question.text_local if is_chinese(language) and question.text_local else question.text
    if question.session_id:
        session = question.session
        title = (
            session.title_local if is_chinese(language) and session.title_local else session.title
        )
        return f"{title}: {text}"
    if question.trainer_id:
        return f"{question.trainer}: {text}"
    return text


def render_story(story: list, *, title: str, footer, footer_left: str = "", language="en"):
    """``story`` to PDF bytes on the shared page, in one pass, the contents list's page
    numbers written on save (``ContentsList``)."""
    canvasmaker = type("ReportCanvas", (ContentsCanvas, numbered_canvas(footer, footer_left)), {})
    return write_pdf(
        story, title=title, language=language, doc_class=ReportDocument, canvasmaker=canvasmaker
    )


def report_pdf(content: ReportContent) -> bytes:
    """The report's PDF, in ``content.language``."""
    with translation.override(content.language):
        story = report_story(content)
        return render_story(
            story,
            title=content.title,
            footer=lambda page, pages: (
                _("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
            ),
            footer_left=content.title,
            language=content.language,
        )
