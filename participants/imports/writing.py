"""Writing the checked rows as registrations, all or none, through the registration rules."""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from audit.context import via
from events.models import Agency, Workshop
from participants.imports.checking import NominationRow, check_rows
from participants.models import Registration
from participants.services import RegistrationError, register_participant


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


@via("import")  # the audit trail files every change as made by an import
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
                outcome = register_participant(
                    workshop=workshop,
                    data=row.data | {"nominated_by": nominated_by},
                    source=Registration.Source.IMPORT,
                )
                if outcome.created:
                    result.created.append(outcome.registration)
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
