"""Nominations import: the lists of people that agencies nominate for a workshop.

Three steps, so that nothing is written until an organiser has seen every problem:

1. ``read_nominations`` reads a CSV or XLSX upload (``reading``) and checks every row
   (``checking``; two queries: the agencies, and the people the file's addresses already
   name, with their registration for the workshop);
2. the organiser reads the preview; the rows that may be written travel to the next request
   as plain values (``NominationsPreview.to_session``), not as the file;
3. ``import_nominations`` (``writing``) checks those rows again against the database as it
   is now and writes them all through ``register_participant`` in one transaction, or none
   of them.
"""

from participants.imports.checking import (
    NominationRow,
    NominationsPreview,
    Problem,
    check_rows,
    read_nominations,
)
from participants.imports.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    MAX_BYTES,
    MAX_ROWS,
    TEMPLATE_HEADERS,
    ImportColumn,
    ImportFileError,
)
from participants.imports.reading import file_digest, map_headers, read_table
from participants.imports.writing import (
    ImportAborted,
    ImportResult,
    import_nominations,
    rows_from_session,
)

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEMPLATE_HEADERS",
    "ImportAborted",
    "ImportColumn",
    "ImportFileError",
    "ImportResult",
    "NominationRow",
    "NominationsPreview",
    "Problem",
    "check_rows",
    "file_digest",
    "import_nominations",
    "map_headers",
    "read_nominations",
    "read_table",
    "rows_from_session",
]
