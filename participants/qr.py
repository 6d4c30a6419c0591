"""QR codes for pages: an SVG image of a text, served as a file (no inline markup or style,
so the page's Content-Security-Policy needs nothing for it)."""

import segno
from django.http import HttpResponse


def qr_svg(data: str, *, scale: int = 8) -> str:
    """The SVG document of the QR code of ``data``, quiet zone included, black on white."""
    return segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def svg_response(data: str, *, scale: int = 8, cache_seconds: int = 0) -> HttpResponse:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"' + qr_svg(data, scale=scale)[4:]
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = f"private, max-age={cache_seconds}" if cache_seconds else "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
