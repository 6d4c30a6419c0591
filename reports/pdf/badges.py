"""Name badges: A4 sheets of ``COLUMNS`` by ``ROWS`` badges with cut marks at their corners;
each with the workshop, the name in both scripts, the agency and the check-in QR code (the
code printed under it, for typing)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from reports.pdf.document import render_canvas
from reports.pdf.layout import CUT_MARK, CUT_MARK_LENGTH, MUTED, PORTRAIT, style
from reports.pdf.qr import draw_qr
from reports.pdf.text import draw_text, fit_size, para

COLUMNS, ROWS = 2, 4
BADGE_WIDTH, BADGE_HEIGHT = 90 * mm, 62 * mm
PADDING = 5 * mm
QR_SIZE = 26 * mm
AGENCY_STYLE = style("badge-agency", size=10)
AGENCY_SMALL_STYLE = style("badge-agency-small", size=7)


@dataclass(frozen=True)
class Badge:
    name: str
    name_local: str
    agency: str
    code: str  # the check-in code, as the QR code holds it
    code_label: str  # the same, as printed (with a dash)


def _origin(index: int) -> tuple[float, float]:
    page_width, page_height = PORTRAIT
    left = (page_width - COLUMNS * BADGE_WIDTH) / 2
    top = page_height - (page_height - ROWS * BADGE_HEIGHT) / 2
    column, row = index % COLUMNS, index // COLUMNS
    return left + column * BADGE_WIDTH, top - (row + 1) * BADGE_HEIGHT


def _cut_marks(canvas) -> None:
    """Marks outside the grid, along each cutting line, so cutting leaves none on a badge."""
    left, bottom = _origin((ROWS - 1) * COLUMNS)
    right = left + COLUMNS * BADGE_WIDTH
    top = bottom + ROWS * BADGE_HEIGHT
    gap = 2 * mm
    canvas.saveState()
    canvas.setStrokeColor(CUT_MARK)
    canvas.setLineWidth(0.4)
    for column in range(COLUMNS + 1):
        x = left + column * BADGE_WIDTH
        canvas.line(x, top + gap, x, top + gap + CUT_MARK_LENGTH)
        canvas.line(x, bottom - gap, x, bottom - gap - CUT_MARK_LENGTH)
    for row in range(ROWS + 1):
        y = bottom + row * BADGE_HEIGHT
        canvas.line(left - gap, y, left - gap - CUT_MARK_LENGTH, y)
        canvas.line(right + gap, y, right + gap + CUT_MARK_LENGTH, y)
    canvas.restoreState()


def _draw_badge(canvas, badge: Badge, x: float, y: float, heading: str) -> None:
    inner = BADGE_WIDTH - 2 * PADDING
    text_width = inner - QR_SIZE - 3 * mm
    top = y + BADGE_HEIGHT - PADDING
    canvas.saveState()
    canvas.setFillColor(MUTED)
    draw_text(canvas, x + PADDING, top - 8, heading, fit_size(heading, 8, inner))
    canvas.setFillColor("black")
    name_size = fit_size(badge.name, 18, text_width, bold=True, smallest=9)
    draw_text(canvas, x + PADDING, top - 30, badge.name, name_size, bold=True)
    if badge.name_local:
        local_size = fit_size(badge.name_local, 20, text_width, smallest=9)
        draw_text(canvas, x + PADDING, top - 56, badge.name_local, local_size)
    if badge.agency:
        # Up to three lines beside the QR code; a longer name shrinks to fit.
        agency = para(badge.agency, AGENCY_STYLE)
        _width, agency_height = agency.wrap(text_width, BADGE_HEIGHT)
        if agency_height > 3 * AGENCY_STYLE.leading:
            agency = para(badge.agency, AGENCY_SMALL_STYLE)
            _width, agency_height = agency.wrap(text_width, BADGE_HEIGHT)
        agency.drawOn(canvas, x + PADDING, y + PADDING)
    qr_x = x + BADGE_WIDTH - PADDING - QR_SIZE
    qr_y = y + PADDING + 8
    draw_qr(canvas, badge.code, qr_x, qr_y, QR_SIZE)
    draw_text(canvas, qr_x + QR_SIZE / 2, y + PADDING, badge.code_label, 7, align="center")
    canvas.restoreState()


def badges_pdf(badges: Sequence[Badge], *, heading: str, language: str = "en") -> bytes:
    """The badges, ``COLUMNS * ROWS`` to a page; ``heading`` is the workshop's title."""
    with translation.override(language):
        per_page = COLUMNS * ROWS

        def draw(canvas):
            for start in range(0, max(len(badges), 1), per_page):
                _cut_marks(canvas)
                for index, badge in enumerate(badges[start : start + per_page]):
                    _draw_badge(canvas, badge, *_origin(index), heading)
                canvas.showPage()

        return render_canvas(draw, title=_("Badges: %(workshop)s") % {"workshop": heading})
