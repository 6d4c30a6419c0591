"""The attendance register as a landscape PDF: participants by sessions, in blocks of at
most ``SESSIONS_PER_BLOCK`` session columns (each block lists everyone again), a rate per
participant and per session, then the rates per day and per agency and the list of
sessions. Built from ``reports.register.Register``, the structure the page and the files
show too."""

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from reports.pdf.document import build_pdf
from reports.pdf.fonts import CJK
from reports.pdf.layout import LANDSCAPE, Styles, frame_width
from reports.pdf.signin import workshop_heading
from reports.pdf.tables import grid_style, long_table
from reports.pdf.text import para
from reports.register import Register, agency_label, percent

SESSIONS_PER_BLOCK = 20
MARK_LETTERS = {
    "en": {"present": "P", "late": "L", "excused": "E", "absent": "A", None: ""},
    "zh-hans": {"present": "到", "late": "迟", "excused": "假", "absent": "缺", None: ""},
}


def register_pdf(register: Register, *, language: str = "en") -> bytes:
    with translation.override(language):
        workshop = register.workshop
        title, other_title = workshop_heading(workshop, language)
        letters = MARK_LETTERS.get(language, MARK_LETTERS["en"])
        cell, small, bold = Styles.get("cell"), Styles.get("small"), Styles.get("cell_bold")
        width = frame_width(LANDSCAPE)
        story = [
            para(_("Attendance register"), Styles.get("title")),
            para(title, Styles.get("heading")),
        ]
        if other_title:
            story.append(para(other_title, Styles.get("body")))
        story.append(
            para(
                _(
                    "%(people)s confirmed participants, %(sessions)s sessions, %(completed)s "
                    "completed (at least %(share)s%% of the sessions counted)."
                )
                % {
                    "people": len(register.rows),
                    "sessions": len(register.sessions),
                    "completed": register.completed,
                    "share": workshop.completion_share,
                },
                Styles.get("body"),
            )
        )
        legend = ", ".join(
            f"{letters[value]} = {label}"
            for value, label in (
                ("present", _("Present")),
                ("late", _("Late")),
                ("excused", _("Excused")),
                ("absent", _("Absent")),
            )
        )
        story += [para(legend, Styles.get("muted")), Spacer(1, 6)]

        names = [
            para(
                row.registration.name
                + (f" {row.registration.name_local}" if row.registration.name_local else ""),
                cell,
            )
            for row in register.rows
        ]
        agencies = [para(agency_label(row.registration, language), small) for row in register.rows]
        sessions = register.sessions
        blocks = [
            range(start, min(start + SESSIONS_PER_BLOCK, len(sessions)))
            for start in range(0, len(sessions), SESSIONS_PER_BLOCK)
        ] or [range(0)]
        for number, block in enumerate(blocks, start=1):
            last = number == len(blocks)
            fixed = [22, 150, 120] + ([44] if last else [])
            each = (width - sum(fixed)) / max(len(block), 1)
            header = [_("No."), _("Name"), _("Agency")]
            for index in block:
                start = workshop.local(sessions[index].starts_at)
                header.append(
                    para(f"{index + 1}\n{start:%d/%m}\n{start:%H:%M}", Styles.get("small_center"))
                )
            if last:
                header.append(_("Rate"))
            rows = []
            for position, row in enumerate(register.rows):
                cells = [str(position + 1), names[position], agencies[position]]
                cells += [letters[row.marks[index]] for index in block]
                if last:
                    cells.append(percent(row.rate) + (" *" if row.completed else ""))
                rows.append(cells)
            rows.append(
                ["", para(_("Attended (share of confirmed)"), bold), ""]
                + [percent(register.session_rates[index]) for index in block]
                + ([""] if last else [])
            )
            extra = [("ALIGN", (3, 0), (-1, -1), "CENTER"), ("FONTSIZE", (3, 1), (-1, -1), 7)]
            if language == "zh-hans":
                extra.append(("FONTNAME", (3, 1), (-1, -1), CJK))
            if len(blocks) > 1:
                story.append(
                    para(
                        _("Sessions %(first)s to %(last)s")
                        % {"first": block.start + 1, "last": block.stop},
                        Styles.get("heading"),
                    )
                )
            story.append(
                long_table(
                    header,
                    rows,
                    col_widths=fixed[:3] + [each] * len(block) + fixed[3:],
                    style=grid_style(extra=extra),
                )
            )
            if not last:
                story.append(PageBreak())
        story.append(para(_("* completed the workshop."), Styles.get("muted")))

        story += [
            CondPageBreak(120),
            Spacer(1, 10),
            para(_("Attendance by day"), Styles.get("heading")),
        ]
        story.append(
            long_table(
                [_("Day"), _("Attended"), _("Expected"), _("Rate")],
                [
                    [
                        formats.date_format(rate.key, "DATE_FORMAT"),
                        str(rate.attended),
                        str(rate.expected),
                        percent(rate),
                    ]
                    for rate in register.day_rates
                ],
                col_widths=[200, 80, 80, 80],
            )
        )
        story += [Spacer(1, 10), para(_("Attendance by agency"), Styles.get("heading"))]
        story.append(
            long_table(
                [_("Agency"), _("Attended"), _("Expected"), _("Rate")],
                [
                    [para(rate.key, cell), str(rate.attended), str(rate.expected), percent(rate)]
                    for rate in register.agency_rates
                ],
                col_widths=[300, 80, 80, 80],
            )
        )
        story += [Spacer(1, 10), para(_("Sessions"), Styles.get("heading"))]
        story.append(
            long_table(
                [_("No."), _("Starts"), _("Session"), _("Room"), _("Rate")],
                [
                    [
                        str(index + 1),
                        f"{workshop.local(session.starts_at):%Y-%m-%d %H:%M}",
                        para(
                            session.title_local
                            if language == "zh-hans" and session.title_local
                            else session.title,
                            cell,
                        ),
                        para(session.room.name if session.room_id else "", cell),
                        percent(register.session_rates[index]),
                    ]
                    for index, session in enumerate(sessions)
                ],
                col_widths=[30, 90, 360, 150, 60],
            )
        )
        return build_pdf(
            story,
            title=_("Attendance register: %(workshop)s") % {"workshop": title},
            footer=lambda page, pages: (
                _("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
            ),
            pagesize=LANDSCAPE,
            language=language,
        )
