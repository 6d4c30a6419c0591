"""Page geometry and paragraph styles shared by every document; sizes in points.

A document module takes its margins, gutters and type sizes from here, so the sign-in sheet,
the register, badges and certificates look like one family, and a change is made once.
"""

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from reports.pdf.fonts import LATIN, LATIN_BOLD, register_fonts

PORTRAIT = A4
LANDSCAPE = landscape(A4)

MARGIN_LEFT = 15 * mm
MARGIN_RIGHT = 15 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
# The "page x of y" footer sits in the bottom margin, this far above the paper's edge.
FOOTER_Y = 9 * mm
GUTTER = 4 * mm

BODY_SIZE = 9
SMALL_SIZE = 7.5
HEADING_SIZE = 14
TITLE_SIZE = 18
LEADING_FACTOR = 1.25

INK = colors.black
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#888888")
HEADER_FILL = colors.HexColor("#e6e6e6")
STRIPE_FILL = colors.HexColor("#f5f5f5")
CUT_MARK = colors.HexColor("#999999")
CUT_MARK_LENGTH = 5 * mm


def frame_width(pagesize=PORTRAIT) -> float:
    return pagesize[0] - MARGIN_LEFT - MARGIN_RIGHT


def frame_height(pagesize=PORTRAIT) -> float:
    return pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM


def style(
    name: str,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    align: int = TA_LEFT,
    color=INK,
    space_after: float = 0,
) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(
        name,
        fontName=LATIN_BOLD if bold else LATIN,
        fontSize=size,
        leading=size * LEADING_FACTOR,
        alignment=align,
        textColor=color,
        spaceAfter=space_after,
    )


class Styles:
    """The paragraph styles of every document, built once on first use."""

    _built: dict = {}

    @classmethod
    def get(cls, name: str) -> ParagraphStyle:
        if not cls._built:
            cls._built.update(
                {
                    "body": style("body"),
                    "body_right": style("body_right", align=TA_RIGHT),
                    "body_center": style("body_center", align=TA_CENTER),
                    "small": style("small", size=SMALL_SIZE),
                    "small_center": style("small_center", size=SMALL_SIZE, align=TA_CENTER),
                    "muted": style("muted", size=SMALL_SIZE, color=MUTED),
                    "cell": style("cell", size=8),
                    "cell_bold": style("cell_bold", size=8, bold=True),
                    "cell_center": style("cell_center", size=8, align=TA_CENTER),
                    "heading": style("heading", size=HEADING_SIZE, bold=True, space_after=4),
                    "title": style("title", size=TITLE_SIZE, bold=True, space_after=6),
                    "title_center": style(
                        "title_center", size=TITLE_SIZE, bold=True, align=TA_CENTER
                    ),
                }
            )
        return cls._built[name]
