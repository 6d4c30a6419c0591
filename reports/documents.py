"""Every document a workshop has, by kind: how to build it, in which formats. The organisers'
download pages and ``manage.py build_document`` both read ``DOCUMENTS``; a new kind of
document is one more entry (a builder taking the workshop, the language and the format).

Documents of ``scope`` "programme" cover many workshops: their builder takes a
``reports.programme.Selection`` instead of a workshop.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Workshop
from participants.attendance import checkin_code, format_code
from participants.exports import render
from reports import programme
from reports.certificates import issue_certificates
from reports.pdf.badges import Badge, badges_pdf
from reports.pdf.certificates import certificates_pdf
from reports.pdf.programme import programme_pdf
from reports.pdf.register import register_pdf
from reports.pdf.report import report_pdf
from reports.pdf.signin import sheets_for, sign_in_sheets, workshop_heading
from reports.register import (
    agency_label,
    confirmed_people,
    register_columns,
    register_rows,
)
from reports.report import report_content

Builder = Callable[[Workshop, str, str], bytes]  # (workshop, language, format) -> bytes


@dataclass(frozen=True)
class Document:
    kind: str
    formats: tuple[str, ...]
    build: Builder
    description: str
    scope: str = "workshop"  # or "programme": build(selection, language, format)


def build_sign_in_sheets(workshop: Workshop, language: str, fmt: str) -> bytes:
    """Every scheduled session's sign-in sheet, in one PDF."""
    return sign_in_sheets(workshop, sheets_for(workshop, language=language), language=language)


def build_register(workshop: Workshop, language: str, fmt: str) -> bytes:
    register = build_register_for(workshop)
    if fmt == "pdf":
        return register_pdf(register, language=language)
    with translation.override(language):
        return render(
            register_rows(register, language),
            fmt,
            widths=[column.width for column in register_columns(register, language)],
            title=_("Attendance register"),
        )


def build_register_for(workshop: Workshop):
    from reports.register import build_register as build

    return build(workshop)


def badges_of(workshop: Workshop, language: str) -> list[Badge]:
    """A badge for each confirmed participant, by agency then name: one query."""
    badges = []
    for registration in confirmed_people(workshop):
        code = checkin_code(registration)
        badges.append(
            Badge(
                name=registration.name,
                name_local=registration.name_local,
                agency=agency_label(registration, language),
                code=code,
                code_label=format_code(code),
            )
        )
    return badges


def build_badges(workshop: Workshop, language: str, fmt: str) -> bytes:
    heading = workshop_heading(workshop, language)[0]
    return badges_pdf(badges_of(workshop, language), heading=heading, language=language)


def build_certificates(workshop: Workshop, language: str, fmt: str) -> bytes:
    """The certificates of everyone who completed, issuing those not issued yet."""
    return certificates_pdf(workshop, issue_certificates(workshop), language=language)


def build_report(workshop: Workshop, language: str, fmt: str) -> bytes:
    """The post-event report as it stands (the organiser's text, today's figures)."""
    return report_pdf(report_content(workshop, language, now=timezone.now()))


def build_programme(selection: programme.Selection, language: str, fmt: str) -> bytes:
    now = timezone.now()
    content = programme.programme_content(selection, language, now=now)
    if fmt == "pdf":
        return programme_pdf(content)
    with translation.override(language):
        return render(
            programme.indicator_rows(content), fmt, widths=[40, 36, 14], title=_("Indicators")
        )


def build_programme_people(selection: programme.Selection, language: str, fmt: str) -> bytes:
    with translation.override(language):
        return render(
            programme.pseudonymised_rows(selection, language, now=timezone.now()),
            fmt,
            widths=[16, 24, 12, 14, 22, 16, 22, 10, 10, 10],
            title=_("Participants"),
        )


DOCUMENTS: dict[str, Document] = {
    document.kind: document
    for document in (
        Document(
            "sign-in-sheets",
            ("pdf",),
            build_sign_in_sheets,
            "a sign-in sheet for every scheduled session",
        ),
        Document(
            "register",
            ("pdf", "csv", "xlsx"),
            build_register,
            "the attendance register (participants by sessions, with rates)",
        ),
        Document("badges", ("pdf",), build_badges, "name badges with check-in QR codes"),
        Document(
            "certificates",
            ("pdf",),
            build_certificates,
            "certificates of attendance for those who completed",
        ),
        Document(
            "report",
            ("pdf",),
            build_report,
            "the post-event report (figures, agencies, trainers, timetable, feedback)",
        ),
        Document(
            "programme",
            ("pdf", "csv", "xlsx"),
            build_programme,
            "the programme report of many workshops (PDF), or its indicator table (CSV, XLSX)",
            scope="programme",
        ),
        Document(
            "programme-participants",
            ("csv", "xlsx"),
            build_programme_people,
            "the programme's participants, pseudonymised (no names or contacts)",
            scope="programme",
        ),
    )
}
