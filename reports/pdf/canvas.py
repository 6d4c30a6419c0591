""" "Page x of y" footers: a canvas that holds every page until the last is known.

reportlab writes a page as soon as it is full, before the number of pages is known; this
canvas keeps each page's drawing state instead and, on save, draws every footer with the
total and writes the pages out (the usual two-pass recipe: memory grows with the pages, the
time stays linear).
"""

from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from reports.pdf.layout import FOOTER_Y, MARGIN_LEFT, MARGIN_RIGHT, MUTED, SMALL_SIZE
from reports.pdf.text import draw_text


class NumberedCanvas(Canvas):
    #: ``footer(page, pages) -> str``, set by ``numbered_canvas``.
    footer: Callable[[int, int], str] = staticmethod(lambda page, pages: f"{page} / {pages}")
    #: Text drawn at the footer's left (the document's name), or "".
    footer_left: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, page: int, pages: int) -> None:
        width = self._pagesize[0]
        self.saveState()
        self.setFillColor(MUTED)
        draw_text(
            self,
            width - MARGIN_RIGHT,
            FOOTER_Y,
            self.footer(page, pages),
            SMALL_SIZE,
            align="right",
        )
        if self.footer_left:
            draw_text(self, MARGIN_LEFT, FOOTER_Y, self.footer_left, SMALL_SIZE)
        self.restoreState()


def numbered_canvas(footer: Callable[[int, int], str], footer_left: str = "") -> type:
    """A canvas class for ``doc.build(story, canvasmaker=...)`` whose footers read
    ``footer(page, pages)`` (e.g. "Page 2 of 7", translated by the caller)."""
    return type(
        "NumberedCanvas",
        (NumberedCanvas,),
        {"footer": staticmethod(footer), "footer_left": footer_left},
    )
