"""QR codes drawn as vectors: segno computes the modules, one path of rectangles draws them
(one rectangle per run of dark modules in a row), sharp at any size and quick enough for a
thousand certificates."""

import segno
from reportlab.lib import colors
from reportlab.platypus.flowables import Flowable

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
FIXED_MASK = 2


def draw_qr(canvas, data: str, x: float, y: float, size: float, *, error: str = "m") -> None:
    """Draw the QR code of ``data``, quiet zone included, in the square of side ``size``
    whose lower left corner is (x, y).

    A thousand certificates draw a thousand codes, so this is written for speed: segno's
    fixed mask (any mask decodes; choosing the "best" of eight costs most of the time) and
    the rectangles written as PDF operators in one literal (reportlab's path object formats
    each number through Python calls).
    """
    matrix = segno.make(data, error=error, micro=False, mask=FIXED_MASK).matrix
    count = len(matrix) + 2 * QUIET_ZONE
    module = size / count
    operators = []
    for row_number, row in enumerate(matrix):
        bottom = y + size - (row_number + QUIET_ZONE + 1) * module
        column = 0
        length = len(row)
        while column < length:
            if row[column]:
                start = column
                while column < length and row[column]:
                    column += 1
                left = x + (start + QUIET_ZONE) * module
                operators.append(
                    f"{left:.3f} {bottom:.3f} {(column - start) * module:.3f} {module:.3f} re"
                )
            else:
                column += 1
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()


class QRCode(Flowable):
    """A QR code as a flowable of ``size`` by ``size`` points."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data = data
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.data, 0, 0, self.size)


def qr_drawing(data: str, size: float) -> QRCode:
    """The QR code of ``data`` as a flowable (kept under the foundation's first name)."""
    return QRCode(data, size)
