"""The fonts of every PDF: DejaVu Sans for Latin script, Droid Sans Fallback for Chinese.

Both are TrueType files shipped in ``reports/fonts`` (licences beside them), so every font is
embedded (``pdffonts`` says ``emb yes``) on any machine, without a system font package.
reportlab embeds only the glyphs a document uses.

A line of text mixes scripts ("Wang Fang 王芳"), and reportlab has no font fallback: the
text helpers split it into runs, each set in the font that has its glyphs (``font_for``).
"""

from functools import cache
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

LATIN = "WorkshopSans"
LATIN_BOLD = "WorkshopSans-Bold"
CJK = "WorkshopCJK"

_FILES = {
    LATIN: "DejaVuSans-subset.ttf",
    LATIN_BOLD: "DejaVuSans-Bold-subset.ttf",
    CJK: "DroidSansFallback-subset.ttf",
}


@cache
def register_fonts() -> None:
    """Register the fonts with reportlab, once per process (reading the CJK file takes
    about a tenth of a second)."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, FONT_DIR / filename))
    # <b> in a paragraph picks the bold face; the CJK font has one weight for both.
    addMapping(LATIN, 0, 0, LATIN)
    addMapping(LATIN, 1, 0, LATIN_BOLD)
    addMapping(LATIN, 0, 1, LATIN)
    addMapping(LATIN, 1, 1, LATIN_BOLD)
    addMapping(LATIN_BOLD, 0, 0, LATIN_BOLD)
    addMapping(LATIN_BOLD, 1, 0, LATIN_BOLD)
    addMapping(LATIN_BOLD, 0, 1, LATIN_BOLD)
    addMapping(LATIN_BOLD, 1, 1, LATIN_BOLD)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CJK, bold, italic, CJK)
    # Compressed page streams stay binary: reportlab would also ASCII85-encode them, in pure
    # Python, a fifth of the time of a certificate and a quarter more bytes.
    rl_config.useA85 = 0
    # Drawings (the QR codes) start from reportlab's graphics state, whose font is the
    # unembedded Helvetica; it would be listed in every PDF with a drawing.
    STATE_DEFAULTS["fontName"] = LATIN


@cache
def _latin_codepoints() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(LATIN).face.charToGlyph)


def in_latin_font(char: str) -> bool:
    """Whether the Latin font has a glyph for ``char``; anything else is set in the CJK font."""
    return ord(char) in _latin_codepoints()


def font_for(char: str, *, bold: bool = False) -> str:
    if in_latin_font(char):
        return LATIN_BOLD if bold else LATIN
    return CJK
