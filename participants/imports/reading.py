"""Reading an uploaded CSV or XLSX file into a header and numbered rows of text."""

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import load_workbook

from config.text import impossible
from participants.imports.columns import (
    AMBIGUOUS_NAME,
    COLUMNS,
    COLUMNS_BY_KEY,
    HEADER_KEYS,
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    normalise,
)

# What a nominations sheet may hold beyond its people: columns (the template has a dozen)
# and rows read in all, empty ones included. A sheet claiming a million rows or 16,384
# columns in a few kilobytes of XML is refused before the work, not after it.
MAX_COLUMNS = 50
MAX_SHEET_ROWS = 5_000
# A workbook is a zip: what it unpacks to (shared strings are held in memory whole).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024


def read_table(upload) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header row and the non-empty data rows (numbered as the spreadsheet shows them).

    Raises ``ImportFileError`` naming the problem: too big, not CSV or XLSX, undecodable,
    empty, too many rows.
    """
    if upload.size > MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported.")
            % {
                "size": number_format(upload.size / 1024 / 1024, 1),
                "limit": number_format(MAX_BYTES / 1024 / 1024, 0),
            }
        )
    content = upload.read()
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    name = (upload.name or "").lower()
    kind = _other_kind(content, name)
    if kind:
        raise ImportFileError(
            _(
                "“%(name)s” is not a CSV or XLSX file: it is %(kind)s. Save the list of people "
                "as CSV UTF-8 or as an Excel workbook (.xlsx), then upload it again."
            )
            % {"name": upload.name, "kind": kind}
        )
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) or as "
                "CSV UTF-8, then upload it again."
            )
        )
    if name.endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        rows = _csv_rows(content)
    else:
        raise ImportFileError(
            _("“%(name)s” is not a CSV or XLSX file. Upload a .csv or .xlsx file.")
            % {"name": upload.name}
        )
    numbered = []
    header = None
    for number, cells in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(
                _(
                    "The sheet goes on past row %(limit)s. Delete the empty rows below the "
                    "people (or copy the people into a new sheet) and upload it again."
                )
                % {"limit": number_format(MAX_SHEET_ROWS, force_grouping=True)}
            )
        cells = list(cells)
        while cells and cells[-1] in (None, ""):
            cells.pop()  # read-only sheets pad every row to the widest asked for
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                _("Row %(row)d has more than %(limit)d columns; the template has %(columns)d.")
                % {"row": number, "limit": MAX_COLUMNS, "columns": len(COLUMNS)}
            )
        cells = ["" if cell is None else str(cell).strip() for cell in cells]
        for column, cell in enumerate(cells, start=1):
            if impossible(cell):
                raise ImportFileError(
                    _(
                        "Row %(row)d, column %(column)d holds a character that cannot be "
                        "stored (a NUL byte or an unpaired surrogate). Remove it and upload "
                        "the file again."
                    )
                    % {"row": number, "column": column}
                )
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        numbered.append((number, cells))
        if len(numbered) > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s people. Split it into files of at most "
                    "%(limit)s rows and import them one after the other."
                )
                % {"limit": number_format(MAX_ROWS, force_grouping=True)}
            )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not numbered:
        raise ImportFileError(_("The file has a header row but nobody under it."))
    return header, numbered


# What people upload instead of a table, by the bytes a file of that kind starts with.
_SIGNATURES = (
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"\x89PNG", gettext_lazy("an image (PNG)")),
    (b"\xff\xd8\xff", gettext_lazy("an image (JPEG)")),
    (b"GIF8", gettext_lazy("an image (GIF)")),
    (b"{\\rtf", gettext_lazy("a Rich Text document (RTF)")),
)


def _other_kind(content: bytes, name: str) -> str:
    """What ``content`` is when it is plainly not a table ("a PDF document"), else "".

    By its first bytes, whatever the file is called: a PDF renamed .csv would otherwise be
    read as one column of garbled text. A zip is a workbook only if it holds one: a Word
    document (.docx) or presentation is named as such, and so is another archive unless it
    is called .xlsx (then it is a damaged workbook, which the workbook reader names). Text
    made largely of NUL bytes is binary, not CSV (UTF-16 text, which has them too, is read
    as CSV).
    """
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return str(kind)
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return ""  # damaged: the workbook reader says so
        if any(n.startswith("word/") for n in names):
            return str(_("a Word document (.docx)"))
        if any(n.startswith("ppt/") for n in names):
            return str(_("a PowerPoint presentation (.pptx)"))
        if not any(n.startswith("xl/") for n in names) and not name.endswith(".xlsx"):
            return str(_("a zip archive"))
        return ""
    head = content[:4096]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    # A stray NUL in a real CSV is named by its row and column further on; a file made of
    # them (a tenth of its start, or more) is no text at all.
    if not utf16 and head.count(b"\x00") * 10 >= len(head):
        return str(_("a binary file, not text"))
    return ""


def _csv_rows(content: bytes) -> Iterable[list[str]]:
    text = _decode(content)
    first_line = next((line for line in text[:8192].splitlines() if line.strip()), "")
    # Excel writes ";" where "," is the decimal mark, and tab-separated text as "Unicode text".
    delimiter = max(",;\t", key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not readable as CSV: %(error)s") % {"error": error}
        ) from None


def _decode(content: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), UTF-16 with a byte-order mark, or
    GB18030, what Chinese Excel writes for "CSV" without "UTF-8"."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _(
            "The file's text could not be decoded. Save it as “CSV UTF-8” (or as .xlsx) and "
            "upload it again."
        )
    )


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    """The first sheet's rows, one at a time: reading stops at the row limit instead of
    unpacking a whole (possibly huge) sheet first."""
    unreadable = ImportFileError(_("The file could not be opened as an Excel workbook (.xlsx)."))
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except _XLSX_ERRORS:
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The workbook unpacks to %(size)s MB; at most %(limit)s MB can be read. Save "
                "only the people's sheet, as .xlsx or CSV, and upload it again."
            )
            % {
                "size": number_format(unpacked / 1024 / 1024, 0),
                "limit": number_format(MAX_UNPACKED_BYTES / 1024 / 1024, 0),
            }
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        # The extent the sheet declares (when it does): refused before any row is read.
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise ImportFileError(
                _("The sheet has %(count)d columns; at most %(limit)d can be read.")
                % {"count": sheet.max_column, "limit": MAX_COLUMNS}
            )
        # Read-only sheets parse as they go: a damaged sheet fails here, not on opening.
        # Bounded: one column past the limit and one row past it are enough to refuse; the
        # gaps openpyxl fills with empty cells are never padded out to the sheet's claims.
        for row in sheet.iter_rows(
            max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True
        ):
            yield [_xlsx_text(value) for value in row]
    except _XLSX_ERRORS:
        raise unreadable from None
    finally:
        workbook.close()


# ElementTree's ParseError is a SyntaxError.
_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, SyntaxError)


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    # Whole numbers come back as floats from some writers: 13800138000.0 is a phone.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def map_headers(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell holds which column, and the headers that match nothing (ignored)."""
    positions: dict[str, int] = {}
    ignored = []
    keys = [HEADER_KEYS.get(normalise(text)) for text in header]
    named = "name" in keys
    for index, text in enumerate(header):
        key = keys[index]
        if normalise(text) == AMBIGUOUS_NAME:
            key = "name_local" if named else "name"
        if key is None:
            if text:
                ignored.append(text)
            continue
        if key in positions:
            raise ImportFileError(
                _("Two columns are both “%(column)s” (“%(first)s” and “%(second)s”); keep one.")
                % {
                    "column": COLUMNS_BY_KEY[key].header,
                    "first": header[positions[key]],
                    "second": text,
                }
            )
        positions[key] = index
    missing = [
        column.header for column in COLUMNS if column.required and column.key not in positions
    ]
    if missing:
        raise ImportFileError(
            ngettext(
                "The file has no “%(columns)s” column. The first row must name the columns; "
                "download the template to see them.",
                "The file has no “%(columns)s” columns. The first row must name the columns; "
                "download the template to see them.",
                len(missing),
            )
            % {"columns": "”, “".join(missing)}
        )
    return positions, ignored


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
