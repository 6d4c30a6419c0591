"""Reading PDFs back in tests: their text, their fonts, their pages as pictures, their QR codes.

Uses pypdf for text and poppler's ``pdffonts`` and ``pdftoppm`` and zbar's ``zbarimg`` (Debian
packages poppler-utils and zbar-tools, which .ci/run installs).
"""

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader


def pdf_text(data: bytes) -> list[str]:
    """The text of each page."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _with_file(data: bytes, run):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        return run(path, Path(folder))


def pdf_fonts(data: bytes) -> list[dict[str, str]]:
    """``pdffonts``' table: one dict per font with name, type, emb, sub, uni."""

    def run(path, _folder):
        out = subprocess.run(
            ["pdffonts", str(path)], check=True, capture_output=True, text=True
        ).stdout
        lines = out.splitlines()
        fonts = []
        for line in lines[2:]:
            # name type... encoding emb sub uni object-id generation: read from the right.
            parts = line.split()
            fonts.append(
                {
                    "name": parts[0],
                    "type": " ".join(parts[1:-6]),
                    "emb": parts[-5],
                    "sub": parts[-4],
                    "uni": parts[-3],
                }
            )
        return fonts

    return _with_file(data, run)


def render_pages(data: bytes, *, dpi: int = 40, first: int = 1, last: int | None = None):
    """Each page from ``first`` to ``last`` as a PIL image (grey), rendered by pdftoppm."""

    def run(path, folder):
        command = ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        subprocess.run([*command, "-png", str(path), str(folder / "page")], check=True)
        images = []
        for png in sorted(folder.glob("page-*.png")):
            with Image.open(png) as image:
                images.append(image.copy())
        return images

    return _with_file(data, run)


def is_blank(image) -> bool:
    """Nothing darker than near-white anywhere on the page."""
    darkest, _lightest = image.convert("L").getextrema()
    return darkest > 200


def inked_share(image) -> float:
    """The share of the page's pixels that carry ink (darker than mid-grey)."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / (grey.width * grey.height)


def decode_qr(data: bytes, *, page: int = 1, dpi: int = 150) -> list[str]:
    """The texts of the QR codes zbarimg finds on ``page``, rendered at ``dpi``."""
    (image,) = render_pages(data, dpi=dpi, first=page, last=page)
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "page.png"
        image.save(png)
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            capture_output=True,
            text=True,
        )
    # zbarimg exits 4 when it finds nothing; the empty list says so.
    return [line for line in result.stdout.splitlines() if line]
