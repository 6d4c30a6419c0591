"""Nominations import: the lists of people that agencies nominate for a workshop.

Three steps, so that nothing is written until an organiser has seen every problem:

1. ``read_nominations`` reads a CSV or XLSX upload and checks every row (two queries: the
   agencies, and the workshop's registrations with the file's e-mail addresses);
2. the organiser reads the preview; the rows that may be written travel to the next request
   as plain values (``NominationsPreview.to_session``), not as the file;
3. ``import_nominations`` checks those rows again against the database as it is now and
   writes them all through ``register_participant`` in one transaction, or none of them.
"""

import csv
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import load_workbook

from events.models import Agency, Workshop
from participants.models import Participant, Registration
from participants.services import RegistrationError, register_participant

MAX_BYTES = 2 * 1024 * 1024
# Every row goes through register_participant and its e-mail inside the request: about
# 10-25 ms a row on PostgreSQL, so 500 rows stay well inside a worker's 30 s timeout.
# The rows to confirm also wait in the session, which this keeps small.
MAX_ROWS = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the organiser."""


@dataclass(frozen=True)
class ImportColumn:
    key: str
    header: str  # as written in the template; matched ignoring case, spaces and _ -
    label: Any  # lazy translation, for the page
    help: Any
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()


COLUMNS = (
    ImportColumn(
        "name",
        "Name",
        gettext_lazy("Name"),
        gettext_lazy("Full name in English or Latin script (pinyin). Required."),
        required=True,
        max_length=255,
        aliases=("full name", "name (english)", "english name", "name in english", "英文名"),
    ),
    ImportColumn(
        "name_local",
        "Local name",
        gettext_lazy("Local name"),
        gettext_lazy("Name in the local script, for example in Chinese characters."),
        max_length=255,
        aliases=(
            "name local",
            "name (local script)",
            "name (local)",
            "local script name",
            "chinese name",
            "姓名",
            "中文名",
            "中文姓名",
        ),
    ),
    ImportColumn(
        "gender",
        "Gender",
        gettext_lazy("Gender"),
        gettext_lazy(
            "female, male, other or prefer not to say; also F, M, 女, 男. Empty means "
            "prefer not to say."
        ),
        aliases=("sex", "性别"),
    ),
    ImportColumn(
        "agency",
        "Agency",
        gettext_lazy("Agency"),
        gettext_lazy(
            "The agency's name, local name or acronym, as listed under Agencies. Empty: the "
            "nominating agency chosen on the form, for people new to the system."
        ),
        aliases=(
            "organisation",
            "organization",
            "department",
            "ministry",
            "unit",
            "单位",
            "工作单位",
            "机构",
        ),
    ),
    ImportColumn(
        "position",
        "Position",
        gettext_lazy("Position"),
        gettext_lazy("Job title or function."),
        max_length=255,
        aliases=("job title", "title", "function", "职务", "职位"),
    ),
    ImportColumn(
        "region",
        "Region",
        gettext_lazy("Region"),
        gettext_lazy("Province, state or region."),
        max_length=120,
        aliases=("province", "state", "地区", "省份"),
    ),
    ImportColumn(
        "email",
        "Email",
        gettext_lazy("E-mail"),
        gettext_lazy("Required: it tells people apart and carries their personal link."),
        required=True,
        max_length=254,
        aliases=("e mail", "email address", "e mail address", "mail", "电子邮件", "邮箱"),
    ),
    ImportColumn(
        "phone",
        "Phone",
        gettext_lazy("Phone"),
        gettext_lazy("Telephone or mobile number."),
        max_length=40,
        aliases=("telephone", "mobile", "phone number", "tel", "电话", "手机"),
    ),
    ImportColumn(
        "preferred_language",
        "Language",
        gettext_lazy("Language"),
        gettext_lazy(
            "en (English) or zh (Simplified Chinese), for e-mails and pages. Empty: the "
            "workshop's main language for people new to the system."
        ),
        aliases=("preferred language", "语言"),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_HEADERS = [column.header for column in COLUMNS]

_SEPARATORS = re.compile(r"[\s_\-]+")


def _normalise(text: str) -> str:
    return _SEPARATORS.sub(" ", str(text).strip().strip("*:\uff1a").strip()).casefold()


def _header_index() -> dict[str, str]:
    index = {}
    for column in COLUMNS:
        for spelling in (column.key, column.header, *column.aliases):
            index[_normalise(spelling)] = column.key
    return index


_HEADERS = _header_index()

_GENDER_WORDS = {
    Participant.Gender.FEMALE: ("female", "f", "woman", "w", "女", "女性"),
    Participant.Gender.MALE: ("male", "m", "man", "男", "男性"),
    Participant.Gender.OTHER: ("other", "another gender", "其他", "其它"),
    Participant.Gender.UNDISCLOSED: (
        "",
        "undisclosed",
        "prefer not to say",
        "not stated",
        "不愿透露",
        "未说明",
    ),
}
_LANGUAGE_WORDS = {
    "en": ("en", "english", "英文", "英语"),
    "zh-hans": (
        "zh",
        "zh hans",
        "zh cn",
        "chinese",
        "simplified chinese",
        "中文",
        "汉语",
        "简体中文",
    ),
}


def _synonyms(words: dict, choices) -> dict[str, str]:
    """Lower-cased spellings, plus each choice's label in every language we speak."""
    table = {_normalise(word): value for value, spellings in words.items() for word in spellings}
    for code in ("en", "zh-hans"):
        with translation.override(code):
            for value, label in choices:
                table.setdefault(_normalise(str(label)), value)
    return table


# ---------------------------------------------------------------------------------------------
# Reading the file


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
        cells = ["" if cell is None else str(cell).strip() for cell in cells]
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
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise unreadable from None
    try:
        # Read-only sheets parse as they go: a damaged sheet fails here, not on opening.
        for row in workbook.worksheets[0].iter_rows(values_only=True):
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
    for index, text in enumerate(header):
        key = _HEADERS.get(_normalise(text))
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


# ---------------------------------------------------------------------------------------------
# Checking the rows


@dataclass(frozen=True)
class Problem:
    column: str  # a COLUMNS key
    message: str

    @property
    def column_header(self) -> str:
        return COLUMNS_BY_KEY[self.column].header


@dataclass
class NominationRow:
    number: int  # the row number a spreadsheet shows: the header is row 1
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    # The status of this person's registration for the workshop, if they have one (any
    # status: a cancelled registration is not reopened by a list sent again).
    registered_status: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def already_registered(self) -> bool:
        return bool(self.registered_status)

    @property
    def registered_status_label(self) -> str:
        return Registration.Status(self.registered_status).label if self.registered_status else ""

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.already_registered

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(column, message))

    @property
    def cells(self) -> list[tuple[ImportColumn, str, bool]]:
        """Each column's value as read, and whether a problem points at it."""
        flagged = {problem.column for problem in self.problems}
        return [
            (column, self.values.get(column.key, ""), column.key in flagged) for column in COLUMNS
        ]


@dataclass
class NominationsPreview:
    workshop: Workshop
    nominated_by: Agency | None
    rows: list[NominationRow]
    digest: str = ""
    filename: str = ""
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[NominationRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def problem_rows(self) -> list[NominationRow]:
        return [row for row in self.rows if row.problems]

    @property
    def registered_rows(self) -> list[NominationRow]:
        return [row for row in self.rows if row.already_registered and not row.problems]

    def to_session(self) -> dict:
        """What the confirmation needs, as JSON-able values: the raw cells of the rows that
        may be written. They are checked again on confirmation, so nothing stored here is
        trusted beyond what the organiser could have typed."""
        return {
            "workshop": self.workshop.pk,
            "digest": self.digest,
            "filename": self.filename,
            "nominated_by": self.nominated_by.pk if self.nominated_by else None,
            "rows": [[row.number, row.values] for row in self.valid_rows],
            "skipped": len(self.registered_rows),
        }


class _Checker:
    """Checks rows against one snapshot of agencies and the workshop's registrations."""

    def __init__(self, workshop: Workshop, nominated_by: Agency | None, emails: Iterable[str]):
        self.workshop = workshop
        self.nominated_by = nominated_by
        self.genders = _synonyms(_GENDER_WORDS, Participant.Gender.choices)
        self.languages = _synonyms(
            _LANGUAGE_WORDS, Participant._meta.get_field("preferred_language").choices
        )
        self.agencies = self._agency_index()
        self.people = self._known_people({email.lower() for email in emails if email})
        self.seen_emails: dict[str, int] = {}

    def _known_people(self, emails: set[str]) -> dict[str, str]:
        """lower(e-mail) -> their registration's status here ("" if none), for the people
        the system already knows among ``emails``: one query."""
        if not emails:
            return {}
        status_here = (
            Registration.objects.filter(workshop=self.workshop, participant=OuterRef("pk"))
            .order_by()
            .values("status")[:1]
        )
        return {
            email: status or ""
            for email, status in Participant.objects.annotate(email_ci=Lower("email"))
            # lower(email) is what the participant_email_unique_ci index holds.
            .filter(email_ci__in=emails)
            .annotate(status_here=Subquery(status_here))
            .values_list("email_ci", "status_here")
        }

    def _agency_index(self) -> dict[str, list[Agency]]:
        index: dict[str, list[Agency]] = defaultdict(list)
        for agency in Agency.objects.only("pk", "name", "name_local", "acronym"):
            for spelling in {agency.name, agency.name_local, agency.acronym, str(agency)}:
                if spelling:
                    index[_normalise(spelling)].append(agency)
        return index

    def check(self, row: NominationRow) -> None:
        values = row.values
        for column in COLUMNS:
            value = values.get(column.key, "")
            if column.required and not value:
                row.problem(column.key, _("%(column)s is missing.") % {"column": column.header})
            elif column.max_length and len(value) > column.max_length:
                row.problem(
                    column.key,
                    _("%(column)s is longer than %(limit)d characters.")
                    % {"column": column.header, "limit": column.max_length},
                )
        # Blank cells are passed on blank: register_participant then keeps what it knows of
        # a known person, and a new person gets the defaults chosen below.
        data: dict[str, Any] = {
            key: values.get(key, "")
            for key in ("name", "name_local", "position", "region", "phone")
        }
        known = False

        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.problem("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            else:
                key = email.lower()
                if key in self.seen_emails:
                    row.problem(
                        "email",
                        _("Same e-mail as row %(row)d: each person once.")
                        % {"row": self.seen_emails[key]},
                    )
                else:
                    self.seen_emails[key] = row.number
                    known = key in self.people
                    row.registered_status = self.people.get(key, "")
        data["email"] = email

        gender = values.get("gender", "")
        data["gender"] = self.genders.get(_normalise(gender)) if gender else ""
        if data["gender"] is None:
            row.problem(
                "gender",
                _("Unknown gender “%(value)s”: use female, male, other or prefer not to say.")
                % {"value": gender},
            )

        language = values.get("preferred_language", "")
        if language:
            data["preferred_language"] = self.languages.get(_normalise(language))
        else:
            data["preferred_language"] = "" if known else self.workshop.language
        if data["preferred_language"] is None:
            row.problem(
                "preferred_language",
                _("Unknown language “%(value)s”: use en or zh.") % {"value": language},
            )

        agency_text = values.get("agency", "")
        data["agency"] = None if known else self.nominated_by
        if agency_text:
            matches = self.agencies.get(_normalise(agency_text), [])
            distinct = {agency.pk: agency for agency in matches}
            if not distinct:
                row.problem(
                    "agency",
                    _(
                        "Unknown agency “%(value)s”: add it to the list of agencies first, or "
                        "write its name, local name or acronym as listed there."
                    )
                    % {"value": agency_text},
                )
            elif len(distinct) > 1:
                row.problem(
                    "agency",
                    _("“%(value)s” matches several agencies (%(names)s): write the full name.")
                    % {
                        "value": agency_text,
                        "names": ", ".join(sorted(a.name for a in distinct.values())),
                    },
                )
            else:
                data["agency"] = next(iter(distinct.values()))
        row.data = data


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_nominations(
    workshop: Workshop, upload, *, nominated_by: Agency | None = None
) -> NominationsPreview:
    """Read and check an uploaded file; writes nothing. Raises ``ImportFileError``."""
    header, records = read_table(upload)
    upload.seek(0)
    digest = file_digest(upload.read())
    positions, ignored = map_headers(header)
    rows = [
        NominationRow(
            number=number,
            values={
                key: (cells[index] if index < len(cells) else "")
                for key, index in positions.items()
            },
        )
        for number, cells in records
    ]
    check_rows(workshop, rows, nominated_by=nominated_by)
    return NominationsPreview(
        workshop=workshop,
        nominated_by=nominated_by,
        rows=rows,
        digest=digest,
        filename=upload.name or "",
        ignored_headers=ignored,
    )


def check_rows(
    workshop: Workshop, rows: list[NominationRow], *, nominated_by: Agency | None
) -> None:
    """Fill in each row's problems and clean data: two queries whatever the number of rows."""
    checker = _Checker(workshop, nominated_by, (row.values.get("email", "") for row in rows))
    for row in rows:
        checker.check(row)


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class ImportResult:
    created: list[Registration] = field(default_factory=list)
    # Rows of people registered here already: skipped at the preview, or found on writing.
    already_registered: int = 0

    def count(self, status: str) -> int:
        return sum(1 for registration in self.created if registration.status == status)


class ImportAborted(Exception):
    """Nothing was written; ``rows`` hold the problems found, ``error`` a database refusal."""

    def __init__(self, rows: list[NominationRow], error: str = "", row_number: int | None = None):
        super().__init__(error or "rows have problems")
        self.rows = rows
        self.error = error
        self.row_number = row_number


def rows_from_session(stored: dict) -> list[NominationRow]:
    return [
        NominationRow(number=int(number), values={key: str(value) for key, value in values.items()})
        for number, values in stored["rows"]
        if isinstance(values, dict)
    ]


def import_nominations(
    workshop: Workshop,
    rows: list[NominationRow],
    *,
    nominated_by: Agency | None,
    skipped: int = 0,
) -> ImportResult:
    """Write the rows as registrations, all or none.

    The rows are checked again first, against the database as it is now: a row that became
    a problem since the preview (its agency deleted, say) aborts the whole import, and one
    whose person has registered since is skipped, as the preview would now show it. Each row
    goes through ``register_participant``, so seats, the waiting list, approval and e-mails
    follow the workshop's rules exactly as for the public form.
    """
    check_rows(workshop, rows, nominated_by=nominated_by)
    if any(row.problems for row in rows):
        raise ImportAborted(rows)
    result = ImportResult(already_registered=skipped)
    current = None
    try:
        with transaction.atomic():
            for row in rows:
                if row.already_registered:
                    result.already_registered += 1
                    continue
                current = row
                registration, created = register_participant(
                    workshop=workshop,
                    data=row.data | {"nominated_by": nominated_by},
                    source=Registration.Source.IMPORT,
                )
                if created:
                    result.created.append(registration)
                else:
                    result.already_registered += 1
            # A refusal after this point (a deferred constraint, at commit) is no one row's.
            current = None
    except (DatabaseError, RegistrationError) as error:
        raise ImportAborted(
            rows, error=_describe(error), row_number=current.number if current else None
        ) from error
    return result


def _describe(error: Exception) -> str:
    if isinstance(error, RegistrationError):
        return error.message
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
