"""Long tables in linear time, with the header row repeated at the top of every page.

A single reportlab ``Table`` measures all its remaining rows at every page break, so a
table of n rows costs about n²/rows-per-page. ``LongTable`` here keeps the rows in one list
and, at each page break, builds a plain ``Table`` of the header and the next ``CHUNK_ROWS``
rows only, lets reportlab split that, and continues from the first row that did not fit:
each page costs the rows of one chunk, whatever the length of the whole.
"""

from reportlab.platypus import Table, TableStyle
from reportlab.platypus.flowables import Flowable

from reports.pdf.fonts import LATIN
from reports.pdf.layout import HEADER_FILL, RULE, STRIPE_FILL, Styles
from reports.pdf.text import para

# The first chunk's rows; later chunks take a few more than the previous page held, so the
# page break falls inside the chunk (a chunk that fits whole is retried twice as long).
FIRST_CHUNK_ROWS = 40


def grid_style(*, header_rows: int = 1, stripes: bool = True, extra=()) -> TableStyle:
    """The look of every data table: a thin grid, a grey header, optional zebra rows."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), LATIN),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    if stripes:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [None, STRIPE_FILL]))
    commands.extend(extra)
    return TableStyle(commands)


class LongTable(Flowable):
    """``header`` (a list of rows) repeated on every page above ``rows``, split lazily.

    ``row_heights`` is one height for every data row, or None to let reportlab measure; the
    style's row indices count the header rows first, as in a plain ``Table``.
    """

    def __init__(
        self,
        header: list[list],
        rows: list[list],
        *,
        col_widths: list[float],
        style: TableStyle | None = None,
        row_height: float | None = None,
        header_heights: list[float] | None = None,
        start: int = 0,
        chunk_rows: int = FIRST_CHUNK_ROWS,
    ):
        super().__init__()
        self.header = header
        self.rows = rows
        self.col_widths = col_widths
        self.table_style = style or grid_style(header_rows=len(header))
        self.row_height = row_height
        self.header_heights = header_heights
        self.start = start
        self.chunk_rows = chunk_rows
        self._table: Table | None = None

    def _chunk(self, count: int) -> Table:
        body = self.rows[self.start : self.start + count]
        heights = None
        if self.row_height is not None:
            heights = (self.header_heights or [None] * len(self.header)) + [self.row_height] * len(
                body
            )
        return Table(
            self.header + body,
            colWidths=self.col_widths,
            rowHeights=heights,
            repeatRows=len(self.header),
            style=self.table_style,
        )

    @property
    def remaining(self) -> int:
        return len(self.rows) - self.start

    def wrap(self, available_width, available_height):
        if self.remaining > self.chunk_rows:
            # More than a chunk left: say "taller than the space", so the frame asks for a
            # split, which measures one chunk only.
            self._table = None
            self.width, self.height = available_width, available_height + 1
            return self.width, self.height
        self._table = self._chunk(self.remaining)
        self.width, self.height = self._table.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        count = self.chunk_rows
        while True:
            table = self._chunk(count)
            parts = table.split(available_width, available_height)
            if not parts:
                return []
            fitted = len(parts[0]._cellvalues) - len(self.header)
            if len(parts) > 1 or count >= self.remaining:
                break
            count *= 2  # the whole chunk fitted: the page holds more rows than thought
        if fitted <= 0:
            return []
        rest = LongTable(
            self.header,
            self.rows,
            col_widths=self.col_widths,
            style=self.table_style,
            row_height=self.row_height,
            header_heights=self.header_heights,
            start=self.start + fitted,
            chunk_rows=fitted + max(4, fitted // 4),
        )
        if rest.remaining <= 0:
            return [parts[0]]
        return [parts[0], rest]

    def draw(self):
        self._table.drawOn(self.canv, 0, 0)


def _header_cell(cell):
    if isinstance(cell, str):
        return para(cell, Styles.get("cell_bold"))
    return cell


def long_table(header, rows, *, col_widths, style=None, row_height=None) -> LongTable:
    """A ``LongTable`` (see the module's doc); ``header`` is one row or a list of rows, its
    text cells set in bold paragraphs (headings may be Chinese). Data cells that are plain
    strings must be ASCII or Latin (set in the Latin font); pass ``para(...)`` otherwise."""
    if header and not isinstance(header[0], list | tuple):
        header = [header]
    return LongTable(
        [[_header_cell(cell) for cell in row] for row in header],
        rows,
        col_widths=col_widths,
        style=style,
        row_height=row_height,
    )
