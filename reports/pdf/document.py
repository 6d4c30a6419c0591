"""A story of flowables to PDF bytes, on the shared page geometry, with numbered pages."""

import io
from collections.abc import Callable, Iterable

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from reports.pdf.canvas import numbered_canvas
from reports.pdf.fonts import LATIN, register_fonts
from reports.pdf.layout import (
    BODY_SIZE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PORTRAIT,
)

PageCallback = Callable  # (canvas, doc) -> None, drawn on each page before its flowables


def page_template(
    template_id: str,
    *,
    pagesize=PORTRAIT,
    on_page: PageCallback | None = None,
    top: float = MARGIN_TOP,
) -> PageTemplate:
    """One frame inside the margins; ``top`` leaves room for a header that ``on_page``
    draws on every page (the sign-in sheet's session and column headings)."""
    width, height = pagesize
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        width - MARGIN_LEFT - MARGIN_RIGHT,
        height - top - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=f"{template_id}-frame",
    )
    if on_page is None:
        return PageTemplate(id=template_id, frames=[frame], pagesize=pagesize)
    return PageTemplate(id=template_id, frames=[frame], onPage=on_page, pagesize=pagesize)


def write_pdf(
    story: Iterable,
    *,
    title: str,
    language: str,
    doc_class=BaseDocTemplate,
    canvasmaker=None,
    pagesize=PORTRAIT,
    templates: list[PageTemplate] | None = None,
    **info,
) -> bytes:
    """The one writer of flowing documents: ``story`` on ``templates`` (one plain page by
    default; the first is used first, ``NextPageTemplate`` switches) inside the shared
    margins. ``canvasmaker`` draws what every page carries (its number); ``info`` is more
    of the document's metadata (``author``)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = doc_class(
        buffer,
        pagesize=pagesize,
        title=title,
        lang=language,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        pageTemplates=templates or [page_template("page", pagesize=pagesize)],
        # Identical input gives identical bytes (no creation date, a fixed document id).
        invariant=True,
        # The canvas starts in the embedded font, so no unembedded Helvetica is referenced.
        initialFontName=LATIN,
        initialFontSize=BODY_SIZE,
        **info,
    )
    if canvasmaker:
        doc.build(list(story), canvasmaker=canvasmaker)
    else:
        doc.build(list(story))
    return buffer.getvalue()


def build_pdf(
    story: Iterable,
    *,
    title: str,
    footer: Callable[[int, int], str] | None = None,
    pagesize=PORTRAIT,
    templates: list[PageTemplate] | None = None,
    author: str = "",
    language: str = "en",
) -> bytes:
    """The PDF of ``story``; ``footer(page, pages)`` is the "page x of y" text, if any."""
    return write_pdf(
        story,
        title=title,
        language=language,
        canvasmaker=numbered_canvas(footer, title) if footer else None,
        pagesize=pagesize,
        templates=templates,
        author=author,
    )


def render_canvas(draw: Callable, *, title: str, pagesize=PORTRAIT) -> bytes:
    """A PDF drawn directly on a canvas (badges, certificates: fixed layouts, no flow):
    ``draw(canvas)`` draws the pages and calls ``showPage`` after each."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=pagesize, invariant=True, initialFontName=LATIN, initialFontSize=BODY_SIZE
    )
    canvas.setTitle(title)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()
