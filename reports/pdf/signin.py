"""Sign-in sheets: per session, or per day with a signature column for each of its sessions.

Each sheet starts on a new page; every page repeats the workshop's header, the session (or
day), its time in the workshop's zone and the room, and the table's column headings; rows
are numbered, by agency then name, with the name in both scripts, agency, position and an
empty cell to sign. "Page x of y" counts the pages of the sheet.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import NextPageTemplate, PageBreak

from events.models import Session, Workshop
from reports.pdf.document import build_pdf, page_template
from reports.pdf.layout import (
    LANDSCAPE,
    MARGIN_LEFT,
    MARGIN_TOP,
    MUTED,
    PORTRAIT,
    SMALL_SIZE,
    Styles,
    frame_width,
)
from reports.pdf.tables import grid_style, long_table
from reports.pdf.text import draw_text, fit_size, para

HEADER_HEIGHT = 24 * mm
ROW_HEIGHT = 30  # points: two lines of a name and room to sign


@dataclass(frozen=True)
class Person:
    """What a sheet prints of a participant, loaded once for every sheet."""

    name: str
    name_local: str
    agency: str
    position: str


@dataclass(frozen=True)
class Sheet:
    """One sheet: its heading lines and the sessions it has a signature column for."""

    key: str
    title: str
    when: str
    room: str
    sessions: Sequence[Session]


def workshop_heading(workshop: Workshop, language: str) -> tuple[str, str]:
    """(the title in the document's language, the other script's title or "")."""
    if language == "zh-hans" and workshop.title_local:
        return workshop.title_local, workshop.title
    return workshop.title, workshop.title_local


def _time_range(workshop: Workshop, session: Session) -> str:
    start, end = workshop.local(session.starts_at), workshop.local(session.ends_at)
    return f"{formats.date_format(start, 'DATE_FORMAT')}, {start:%H:%M}-{end:%H:%M}"


def _title(session: Session, language: str) -> str:
    if language == "zh-hans" and session.title_local:
        return session.title_local
    return session.title


def session_sheet(workshop: Workshop, session: Session, language: str) -> Sheet:
    return Sheet(
        key=f"session-{session.pk}",
        title=_("Sign-in sheet: %(session)s") % {"session": _title(session, language)},
        when=f"{_time_range(workshop, session)} ({workshop.timezone})",
        room=session.room.name if session.room_id else "",
        sessions=[session],
    )


def day_sheet(workshop: Workshop, day: date, sessions: Sequence[Session]) -> Sheet:
    rooms = sorted({session.room.name for session in sessions if session.room_id})
    return Sheet(
        key=f"day-{day.isoformat()}",
        title=_("Sign-in sheet: %(day)s") % {"day": formats.date_format(day, "DATE_FORMAT")},
        when=(
            ", ".join(
                f"{workshop.local(s.starts_at):%H:%M}-{workshop.local(s.ends_at):%H:%M}"
                for s in sessions
            )
            + f" ({workshop.timezone})"
        ),
        room=", ".join(rooms),
        sessions=sessions,
    )


def people_of(workshop: Workshop, language: str) -> list[Person]:
    """The confirmed participants, by agency then name: one query."""
    from reports.register import agency_label, confirmed_people

    return [
        Person(
            name=registration.name,
            name_local=registration.name_local,
            agency=agency_label(registration, language),
            position=registration.position,
        )
        for registration in confirmed_people(workshop).only(
            "pk",
            "name",
            "name_local",
            "agency_name",
            "position",
            "agency__name",
            "agency__name_local",
        )
    ]


def _columns(sheet: Sheet, width: float, language: str):
    """(headings, widths) of the sheet's table."""
    signatures = len(sheet.sessions)
    if signatures == 1:
        headings = [_("No."), _("Name"), _("Agency"), _("Position"), _("Signature")]
        shares = [0.06, 0.29, 0.27, 0.17, 0.21]
    else:
        headings = [_("No."), _("Name"), _("Agency")] + [
            f"{s.starts_at.astimezone(s.workshop.tz):%H:%M} {_title(s, language)}"
            for s in sheet.sessions
        ]
        fixed = [0.05, 0.22, 0.2]
        each = (1 - sum(fixed)) / signatures
        shares = fixed + [each] * signatures
    return headings, [share * width for share in shares]


def _rows(sheet: Sheet, people: Sequence[Person]) -> list[list]:
    cell, small = Styles.get("cell"), Styles.get("small")
    rows = []
    with_position = len(sheet.sessions) == 1
    for number, person in enumerate(people, start=1):
        name = para(person.name + ("\n" + person.name_local if person.name_local else ""), cell)
        row = [str(number), name, para(person.agency, small if len(person.agency) > 50 else cell)]
        if with_position:
            row.append(para(person.position, small))
            row.append("")
        else:
            row.extend([""] * len(sheet.sessions))
        rows.append(row)
    return rows


def sign_in_sheets(
    workshop: Workshop,
    sheets: Sequence[Sheet],
    *,
    language: str = "en",
    people: Sequence[Person] | None = None,
) -> bytes:
    """One PDF of ``sheets`` (each from ``session_sheet`` or ``day_sheet``)."""
    with translation.override(language):
        people = people_of(workshop, language) if people is None else people
        title, other_title = workshop_heading(workshop, language)
        pages_of: dict[str, list[int]] = {}
        page_sheet: dict[int, str] = {}
        templates, story = [], []
        for index, sheet in enumerate(sheets):
            pagesize = LANDSCAPE if len(sheet.sessions) > 3 else PORTRAIT
            templates.append(
                page_template(
                    sheet.key,
                    pagesize=pagesize,
                    top=MARGIN_TOP + HEADER_HEIGHT,
                    on_page=_header(sheet, title, other_title, pages_of, page_sheet),
                )
            )
            if index:
                story += [NextPageTemplate(sheet.key), PageBreak()]
            headings, widths = _columns(sheet, frame_width(pagesize), language)
            story.append(
                long_table(
                    headings,
                    _rows(sheet, people),
                    col_widths=widths,
                    style=grid_style(stripes=False),
                    row_height=ROW_HEIGHT,
                )
            )
        if not sheets:
            story.append(para(_("No sessions to sign in for."), Styles.get("body")))

        def footer(page: int, pages: int) -> str:
            key = page_sheet.get(page)
            numbers = pages_of.get(key, [page])
            return _("Page %(page)s of %(pages)s") % {
                "page": numbers.index(page) + 1 if page in numbers else page,
                "pages": len(numbers) if key else pages,
            }

        return build_pdf(
            story,
            title=_("Sign-in sheets: %(workshop)s") % {"workshop": title},
            footer=footer,
            templates=templates or None,
            language=language,
        )


def _header(sheet: Sheet, title: str, other_title: str, pages_of, page_sheet):
    def draw(canvas, doc):
        pages_of.setdefault(sheet.key, []).append(doc.page)
        page_sheet[doc.page] = sheet.key
        width, height = doc.pagesize
        usable = width - 2 * MARGIN_LEFT
        top = height - MARGIN_TOP
        canvas.saveState()
        size = fit_size(title, 12, usable, bold=True)
        draw_text(canvas, MARGIN_LEFT, top - 12, title, size, bold=True)
        if other_title:
            draw_text(canvas, MARGIN_LEFT, top - 24, other_title, fit_size(other_title, 9, usable))
        draw_text(
            canvas, MARGIN_LEFT, top - 40, sheet.title, fit_size(sheet.title, 11, usable), bold=True
        )
        canvas.setFillColor(MUTED)
        line = sheet.when + (f" · {sheet.room}" if sheet.room else "")
        draw_text(canvas, MARGIN_LEFT, top - 53, line, fit_size(line, SMALL_SIZE + 1, usable))
        canvas.restoreState()

    return draw


def sheets_for(
    workshop: Workshop, *, language: str, per: str = "session", only=None
) -> list[Sheet]:
    """Every sheet of the workshop's scheduled sessions, ``per`` session or per day;
    ``only`` limits it to one session (per session) or one date (per day). One query."""
    sessions = list(
        Session.objects.filter(workshop=workshop, status=Session.Status.SCHEDULED)
        .exclude(kind=Session.Kind.BREAK)
        .select_related("room", "workshop")
        .order_by("starts_at", "ends_at", "pk")
    )
    with translation.override(language):
        if per == "day":
            days: dict[date, list[Session]] = {}
            for session in sessions:
                days.setdefault(workshop.local(session.starts_at).date(), []).append(session)
            return [
                day_sheet(workshop, day, day_sessions)
                for day, day_sessions in sorted(days.items())
                if only is None or day == only
            ]
        return [
            session_sheet(workshop, session, language)
            for session in sessions
            if only is None or session.pk == only
        ]
