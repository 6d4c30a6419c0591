"""The programme report as a PDF, from ``reports.programme.ProgrammeContent``: the indicator
table and charts, then one short section per workshop. Set on the same pages as the
post-event report (``reports.pdf.report``)."""

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.platypus import CondPageBreak, Spacer

from events.localised import localised
from reports.pdf.layout import Styles
from reports.pdf.report import (
    bar_chart,
    breakdown_block,
    contents_list,
    heading,
    percent,
    prefill_contents,
    render_story,
    table,
)
from reports.pdf.text import para
from reports.programme import ProgrammeContent, indicator_rows
from reports.report import date_range, place


def _cells(row) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def programme_story(content: ProgrammeContent) -> list:
    language = content.language
    figures = content.figures
    rows = list(indicator_rows(content))
    story = [
        para(content.title, Styles.get("title")),
        para(content.subtitle, Styles.get("heading")),
        para(content.generated, Styles.get("muted")),
        Spacer(1, 8),
        para(_("Contents"), Styles.get("cell_bold")),
        contents_list(),
        CondPageBreak(300),
        heading(_("Indicators")),
        table(rows[0], [_cells(row) for row in rows[1:]], [0.45, 0.35, 0.2]),
        Spacer(1, 8),
        heading(_("People trained")),
    ]
    for title, found in (
        (_("By gender"), figures.people.by_gender),
        (_("By kind of agency"), figures.people.by_kind),
        (_("By region"), figures.people.by_region),
    ):
        story += breakdown_block(title, found, language)
    rated = [line for line in figures.lines if line.figures.attendance_rate is not None]
    if rated:
        story += [
            CondPageBreak(200),
            heading(_("Attendance by workshop")),
            bar_chart(
                [localised(w.workshop, "title", language) for w in rated],
                [100 * w.figures.attendance_rate for w in rated],
                maximum=100,
            ),
        ]
    story.append(heading(_("The workshops")))
    for line in figures.lines:
        workshop = line.workshop
        facts = [
            date_range(workshop.start_date, workshop.end_date, language),
            place(workshop, language),
            _("%(count)s participants") % {"count": line.figures.confirmed},
            _("attendance %(rate)s") % {"rate": percent(line.figures.attendance_rate)},
            _("feedback %(rate)s") % {"rate": percent(line.figures.response_rate)},
        ]
        if line.satisfaction is not None:
            facts.append(_("satisfaction %(mean).1f of 5") % {"mean": line.satisfaction})
        if line.gain is not None and line.gain.shown and line.gain.gain is not None:
            facts.append(_("learning gain %(gain).1f points") % {"gain": line.gain.gain})
        story += [
            para(localised(workshop, "title", language), Styles.get("cell_bold")),
            para(" · ".join(fact for fact in facts if fact), Styles.get("body")),
            Spacer(1, 6),
        ]
    if not figures.lines:
        story.append(para(_("No workshop held in this selection."), Styles.get("body")))
    return prefill_contents(story)


def programme_pdf(content: ProgrammeContent) -> bytes:
    with translation.override(content.language):
        return render_story(
            programme_story(content),
            title=f"{content.title}: {content.subtitle}",
            footer=lambda page, pages: (
                _("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
            ),
            footer_left=content.subtitle,
            language=content.language,
        )
