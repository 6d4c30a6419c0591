"""Every user string reaches reportlab through ``markup`` (paragraphs) or ``draw_text``
(canvas): the one place that escapes it and sets each run of it in the font that has its
glyphs.

reportlab's paragraphs read a small markup language (``<b>``, ``<font>``, ``<a>``, ``&amp;``):
a name typed as ``<font size=80>`` must print as typed, not change the page. So nothing a
person typed is ever put into a paragraph unescaped; document code writes its own markup
only around the escaped text.

Chinese is wrapped by Chinese rules (``KinsokuParagraph``): no line begins with a closing
mark (``CANNOT_START``: the full-width comma, full stop, enumeration comma, semicolon, colon,
question and exclamation marks, closing brackets and quotes) and none ends with an opening
one (``CANNOT_END``). reportlab's own ``wordWrap='CJK'`` lets several of the closing marks
start a line (its list lacks the full-width comma, semicolon, colon and question mark) and
never checks line ends, so the breaking is done here on reportlab's building blocks.
"""

import re
from functools import cache
from unicodedata import category
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from reports.pdf.fonts import CJK, LATIN, LATIN_BOLD, in_latin_font

# Closing punctuation, full-width and half-width: never the first character of a line.
CANNOT_START = frozenset(
    "，。、；：？！）》」』】〕〉｝］’”…‥·・〜～%‰℃°"  # noqa: RUF001
    "!),.:;?]}"
    "ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
# Opening punctuation: never the last character of a line.
CANNOT_END = frozenset("（《「『【〔〈｛［‘“([{")  # noqa: RUF001

_CJK_RANGES = (
    (0x2E80, 0x9FFF),  # radicals, CJK punctuation, kana, unified ideographs
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x2FFFF),
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def has_cjk(text: str) -> bool:
    return not text.isascii() and any(is_cjk(char) for char in text)


@cache
def _needs_cjk_font(char: str) -> bool:
    return not in_latin_font(char)


def runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs of (needs the CJK font, characters)."""
    if text.isascii():
        return [(False, text)] if text else []
    found: list[tuple[bool, str]] = []
    start = 0
    current = _needs_cjk_font(text[0])
    for index, char in enumerate(text):
        wanted = current if char == " " else _needs_cjk_font(char)
        if wanted != current:
            found.append((current, text[start:index]))
            start, current = index, wanted
    found.append((current, text[start:]))
    return found


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value) -> str:
    """The text of ``value`` without control characters (NUL and kin have no glyph)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text)


def markup(value) -> str:
    """``value`` as paragraph markup that prints exactly as typed, in the right fonts.

    The one escape helper: every user string goes through it before it is put into a
    paragraph. New lines become line breaks.
    """
    text = clean(value)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    parts = []
    for needs_cjk, chunk in runs(text):
        escaped = escape(chunk).replace("\n", "<br/>")
        parts.append(f'<font face="{CJK}">{escaped}</font>' if needs_cjk else escaped)
    return "".join(parts)


class Para(Paragraph):
    """A paragraph that remembers its lines for the width it was last wrapped to.

    A table measures each cell when it is wrapped, again when it is split at a page break,
    and again when the piece is drawn; the lines only depend on the width, so later wraps at
    the same width cost nothing.
    """

    _wrapped_for = None

    def wrap(self, availWidth, availHeight):
        if self._wrapped_for == availWidth:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return size

    def split(self, availWidth, availHeight):
        self._wrapped_for = None
        return super().split(availWidth, availHeight)


class KinsokuParagraph(Para):
    """A paragraph that breaks Chinese lines anywhere but at the forbidden marks."""

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if not self.frags or (hasattr(self, "blPara") and getattr(self, "_splitpara", 0)):
            # Nothing to break, or the second half of a split paragraph: already broken.
            return super().breakLinesCJK(maxWidths)
        # reportlab's plain breaking turns self.frags into a word list: keep the parsed
        # fragments of the first call, for the paragraph may be wrapped again.
        frags = self.__dict__.setdefault("_parsed_frags", self.frags)
        self.frags = frags
        if not self.bulletText and _fits_one_line(frags, maxWidths[0]):
            # The common case (a name in a cell): no break to choose, and reportlab's plain
            # breaking makes the same single line without measuring glyph by glyph.
            return self.breakLines(maxWidths)
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return kinsoku_split(frags, maxWidths, auto_leading not in ("", "off"))


def _fits_one_line(frags, max_width: float) -> bool:
    width = 0.0
    for frag in frags:
        text = getattr(frag, "text", None)
        if text is None or hasattr(frag, "lineBreak") or hasattr(frag, "cbDefn"):
            return False
        width += stringWidth(text, frag.fontName, frag.fontSize)
    return width <= max_width


def kinsoku_split(frags, max_widths, calc_bounds) -> ParaLines:
    """Lines of ``frags`` no wider than ``max_widths``, by the rules in the module's doc.

    Where the glyph that overflows a line cannot start the next one, or the glyph before it
    cannot end this one, the break moves back a glyph at a time (the moved glyphs open the
    next line); a run of Latin letters is broken at its last space, as reportlab does.
    """
    glyphs = []
    for frag in frags:
        text = frag.text
        if text:
            glyphs.extend(cjkU(char, frag, "utf8") for char in text)
        else:
            glyphs.append(cjkU(text, frag, "utf8"))
    lines = []
    count = len(glyphs)
    start = 0
    max_width = max_widths[0]
    while start < count:
        used = 0.0
        index = start
        line_break = False
        while index < count:
            glyph = glyphs[index]
            if hasattr(glyph.frag, "lineBreak"):
                line_break = True
                index += 1
                break
            width = glyph.width
            if used + width > max_width + _FUZZ and index > start:
                break
            used += width
            index += 1
        end = index
        if end < count and not line_break:
            end = _break_point(glyphs, start, end)
        line = glyphs[start:end]
        width = sum(glyph.width for glyph in line)
        lines.append(
            makeCJKParaLine(line, max_width, width, max_width - width, line_break, calc_bounds)
        )
        start = end
        # A space that ends up opening a line is dropped, as at any soft break.
        while start < count and glyphs[start] == " " and not line_break:
            start += 1
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
    return ParaLines(kind=1, lines=lines)


def _break_point(glyphs, start: int, end: int) -> int:
    """Where to end the line ``glyphs[start:end]`` (end is the first glyph that did not fit)."""
    if ord(glyphs[end][0] if glyphs[end] else " ") < 0x3000 and glyphs[end] != " ":
        # Inside a Latin word: back to the last space or ideograph, if one is near.
        for position in range(end - 1, start, -1):
            glyph = glyphs[position]
            if glyph == " " or category(glyph) == "Zs":
                end = position + 1
                break
            if glyph and ord(glyph[0]) >= 0x3000:
                end = position + 1
                break
    position = end
    while position > start + 1 and (
        glyphs[position] in CANNOT_START or glyphs[position - 1] in CANNOT_END
    ):
        position -= 1
    return position


def para(value, style: ParagraphStyle, *, trusted_markup: str | None = None) -> Paragraph:
    """A paragraph of the user string ``value`` (escaped by ``markup``) in ``style``.

    ``trusted_markup`` is for document code that wraps escaped text in its own tags: pass
    the finished markup there and ``value`` only to choose the wrapping (any Chinese in it).
    """
    text = trusted_markup if trusted_markup is not None else markup(value)
    if has_cjk(clean(value)):
        return KinsokuParagraph(text, _cjk_style(style))
    return Para(text, style)


@cache
def _cjk_style_cached(style_id: int, style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")


def _cjk_style(style: ParagraphStyle) -> ParagraphStyle:
    return _cjk_style_cached(id(style), style)


def text_width(value, size: float, *, bold: bool = False) -> float:
    """The width of ``value`` drawn by ``draw_text`` at ``size``."""
    return sum(
        stringWidth(chunk, CJK if needs_cjk else (LATIN_BOLD if bold else LATIN), size)
        for needs_cjk, chunk in runs(clean(value))
    )


def fit_size(value, size: float, width: float, *, bold: bool = False, smallest: float = 5) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``value`` fits ``width``."""
    measured = text_width(value, size, bold=bold)
    if measured <= width or measured == 0:
        return size
    return max(smallest, size * width / measured)


def draw_text(canvas, x: float, y: float, value, size: float, *, bold=False, align="left"):
    """Draw the user string ``value`` on one line at (x, y), each run in its font.

    ``align`` is left, center or right of ``x``.
    """
    text = clean(value).replace("\n", " ")
    if align != "left":
        width = text_width(text, size, bold=bold)
        x -= width / 2 if align == "center" else width
    for needs_cjk, chunk in runs(text):
        font = CJK if needs_cjk else (LATIN_BOLD if bold else LATIN)
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += stringWidth(chunk, font, size)
