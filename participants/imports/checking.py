"""Checking every row of a nominations file against the agencies and the workshop's
registrations, without writing anything."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from events.models import Agency, Workshop
from participants.imports.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    GENDER_WORDS,
    LANGUAGE_WORDS,
    ImportColumn,
    normalise,
    synonyms,
)
from participants.imports.reading import file_digest, map_headers, read_table
from participants.models import Registration


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
        self.genders = synonyms(GENDER_WORDS, Registration.Gender.choices)
        self.languages = synonyms(
            LANGUAGE_WORDS, Registration._meta.get_field("preferred_language").choices
        )
        self.agencies = self._agency_index()
        self.people = self._known_people({email.lower() for email in emails if email})
        self.seen_emails: dict[str, int] = {}

    def _known_people(self, emails: set[str]) -> dict[str, str]:
        """lower(e-mail) -> their registration's status here, for those among ``emails``
        registered for this workshop already: one query. Other workshops are not looked at:
        whether an address is known elsewhere changes nothing and is shown nowhere."""
        if not emails:
            return {}
        return dict(
            Registration.objects.filter(workshop=self.workshop)
            .annotate(email_ci=Lower("participant__email"))
            .filter(email_ci__in=emails)
            .values_list("email_ci", "status")
        )

    def _agency_index(self) -> dict[str, list[Agency]]:
        index: dict[str, list[Agency]] = defaultdict(list)
        for agency in Agency.objects.only("pk", "name", "name_local", "acronym"):
            for spelling in {agency.name, agency.name_local, agency.acronym, str(agency)}:
                if spelling:
                    index[normalise(spelling)].append(agency)
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
        # Blank cells are passed on blank: register_participant then keeps what this
        # workshop's registration holds, and a new registration gets the defaults below.
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
        data["gender"] = self.genders.get(normalise(gender)) if gender else ""
        if data["gender"] is None:
            row.problem(
                "gender",
                _("Unknown gender “%(value)s”: use female, male, other or prefer not to say.")
                % {"value": gender},
            )

        language = values.get("preferred_language", "")
        if language:
            data["preferred_language"] = self.languages.get(normalise(language))
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
            matches = self.agencies.get(normalise(agency_text), [])
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
