"""Registrations as tables: generators yield a header row and data rows; one renderer writes
them as CSV or XLSX, so both formats always hold the same cells.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.localised import agency_name
from events.models import Workshop
from participants.models import Registration

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# Spreadsheet programs run a cell that starts with one of these as a formula; a participant
# could type "=HYPERLINK(...)" as their name on the public form (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel in many locales splits CSV on ";" (and some programs on ","), so a formula may also
# start right after a separator inside a cell: "Li;=HYPERLINK(...)". Every cell is quoted,
# and a formula start at the beginning or after a separator gets a "'" before it.
_FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;,])( *)([=+\-@\t\r])")


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters, for XLSX


REGISTRATION_COLUMNS = (
    Column(gettext_lazy("Name"), 24),
    Column(gettext_lazy("Name (local script)"), 16),
    Column(gettext_lazy("Gender"), 12),
    Column(gettext_lazy("Agency"), 36),
    Column(gettext_lazy("Position"), 24),
    Column(gettext_lazy("Region"), 14),
    Column(gettext_lazy("E-mail"), 30),
    Column(gettext_lazy("Phone"), 16),
    Column(gettext_lazy("Preferred language"), 12),
    Column(gettext_lazy("Status"), 18),
    Column(gettext_lazy("Waiting list position"), 10),
    Column(gettext_lazy("Registered"), 17),
    Column(gettext_lazy("Source"), 22),
    Column(gettext_lazy("Nominated by"), 30),
)


def registration_rows(
    registrations: Iterable[Registration], *, workshop: Workshop, positions: dict[int, int]
) -> Iterator[list[Any]]:
    """The header, then one row per registration, labels in the active language.

    ``registrations`` should come from ``participants.queries.workshop_registrations`` (one
    query) and ``positions`` from ``waitlist_positions``; times are given in the workshop's
    time zone, which is where the organisers and participants are.
    """
    yield [str(column.header) for column in REGISTRATION_COLUMNS]
    # Labels translated once, not per row: get_FOO_display() translates every choice of
    # the field on each call, which for a long list costs more than the query.
    genders = _labels(Registration.Gender.choices)
    languages = _labels(settings.LANGUAGES)
    statuses = _labels(Registration.Status.choices)
    sources = _labels(Registration.Source.choices)
    for registration in registrations:
        yield [
            registration.name,
            registration.name_local,
            genders.get(registration.gender, registration.gender),
            agency_name(registration.agency)
            if registration.agency_id
            else registration.agency_name,
            registration.position,
            registration.region,
            registration.participant.email,
            registration.phone,
            languages.get(registration.preferred_language, registration.preferred_language),
            statuses.get(registration.status, registration.status),
            positions.get(registration.pk),
            workshop.local(registration.created_at).replace(tzinfo=None),
            sources.get(registration.source, registration.source),
            agency_name(registration.nominated_by) if registration.nominated_by_id else "",
        ]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def render(rows: Iterable[list[Any]], fmt: str, *, widths: Iterable[int] = (), title: str) -> bytes:
    """Write ``rows`` (the first is the header) as CSV or XLSX bytes."""
    if fmt == CSV:
        return render_csv(rows)
    if fmt == XLSX:
        return render_xlsx(rows, widths=widths, title=title)
    raise ValueError(f"unknown export format {fmt!r}")


def render_csv(rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads the file as the local code page
    and shows Chinese names as mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Text that only looks like a formula's start: an international phone number, digit groups
# after a "+" ("+86 139 1234 5678"), which no spreadsheet runs as a formula; it keeps its sign
# and gains no visible apostrophe. A bare signed number ("+1") is still guarded: Excel turns
# it into the formula =+1.
_PLAIN_NUMBER = re.compile(r"\+\d{1,4}(?:[ ().-]+\d+)+")


def _guard(match: re.Match) -> str:
    start, blanks, sign = match.group(1), match.group(2), match.group(3)
    rest = match.string[match.end() :]
    following = re.split(r"[;,]", rest, maxsplit=1)[0]
    if sign == "+" and _PLAIN_NUMBER.fullmatch(sign + following.rstrip()):
        return match.group(0)
    return f"{start}{blanks}'{sign}"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _FORMULA_AFTER_SEPARATOR.sub(_guard, value)
    return str(value)


def render_xlsx(rows: Iterable[list[Any]], *, widths: Iterable[int] = (), title: str) -> bytes:
    """One sheet, bold frozen header, by XlsxWriter in constant-memory mode: rows are
    written out as they come (memory stays flat for long lists), about three times faster
    than openpyxl's write-only mode. Text is always written as text, never as a formula,
    a number or a link, whatever it starts with."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(_sheet_title(title))
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if number == 0:
                sheet.write_string(number, column, str(value), bold)
            elif isinstance(value, bool):
                sheet.write_boolean(number, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(number, column, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(number, column, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, value, day)
            else:
                sheet.write_string(number, column, str(value))
    workbook.close()
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\ .
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31].strip() or "Sheet"


def table_response(
    rows: Iterable[list[Any]], fmt: str, *, filename: str, widths: Iterable[int] = (), title: str
) -> HttpResponse:
    """A download of ``rows`` as ``filename.<fmt>``."""
    content = render(rows, fmt, widths=widths, title=title)
    return HttpResponse(
        content,
        content_type=CONTENT_TYPES[fmt],
        headers={
            # Names, phones and addresses: no shared or browser cache keeps a copy.
            "Cache-Control": "no-store, private",
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=f"{filename}.{fmt}"
            ),
        },
    )


def registrations_response(
    registrations, *, workshop: Workshop, fmt: str, positions: dict[int, int]
) -> HttpResponse:
    """The roster download: ``<slug>-registrations.<fmt>``."""
    return table_response(
        registration_rows(registrations, workshop=workshop, positions=positions),
        fmt,
        filename=f"{workshop.slug}-registrations",
        widths=[column.width for column in REGISTRATION_COLUMNS],
        title=_("Registrations"),
    )
