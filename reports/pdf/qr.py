"""QR codes drawn as vectors (reportlab's own encoder: no image, sharp at any size)."""

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_drawing(data: str, size: float, *, level: str = "M") -> Drawing:
    """A ``size`` by ``size`` drawing (a flowable too) of the QR code of ``data``, quiet zone
    included."""
    widget = QrCodeWidget(data, barLevel=level, barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def draw_qr(canvas, data: str, x: float, y: float, size: float, *, level: str = "M") -> None:
    """Draw the QR code of ``data`` with its lower left corner at (x, y)."""
    renderPDF.draw(qr_drawing(data, size, level=level), canvas, x, y)
