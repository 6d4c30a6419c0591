"""The PDF foundation: escaping, embedded fonts, Chinese line breaking, long tables, page
numbers and QR codes, read back from real PDFs."""

import re

import pytest
from reportlab.platypus import Paragraph

from reports.pdf.document import build_pdf
from reports.pdf.layout import Styles, frame_width
from reports.pdf.qr import qr_drawing
from reports.pdf.tables import long_table
from reports.pdf.text import CANNOT_END, CANNOT_START, markup, para
from tests.reports.pdfcheck import decode_qr, is_blank, pdf_fonts, pdf_text, render_pages

FORBIDDEN_START = "，。、；：？！）》」"  # noqa: RUF001
FORBIDDEN_END = "（《「"  # noqa: RUF001


def pages_footer(page, pages):
    return f"Page {page} of {pages}"


def test_markup_prints_reportlab_markup_as_typed():
    typed = 'Wang <font size="80">Fang</font> & <b>co</b> 王芳'
    pdf = build_pdf([para(typed, Styles.get("body"))], title="t")
    (text,) = pdf_text(pdf)
    assert typed in text


def test_markup_sets_chinese_runs_in_the_cjk_font_and_drops_control_characters():
    assert markup("Li\x00 Na 李娜 <x>") == 'Li Na <font face="WorkshopCJK">李娜 </font>&lt;x&gt;'


def test_every_font_is_embedded_latin_and_chinese():
    story = [
        para("Workshop 讲习班", Styles.get("title")),
        long_table(["#", "Name"], [["1", para("王芳", Styles.get("cell"))]], col_widths=[30, 200]),
        qr_drawing("https://example.org/c/ABC/", 60),
    ]
    fonts = pdf_fonts(build_pdf(story, title="t", footer=pages_footer))
    names = {font["name"].split("+")[-1] for font in fonts}
    assert names == {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"}
    assert {font["emb"] for font in fonts} == {"yes"}


def _lines(paragraph: Paragraph, width: float) -> list[str]:
    paragraph.wrap(width, 10_000)
    lines = []
    for line in paragraph.blPara.lines:
        if hasattr(line, "words"):
            lines.append("".join(word.text for word in line.words))
        else:
            lines.append(" ".join(line[1]))
    return lines


def _broken_around(mark: str):
    """A Chinese text with ``mark`` after every length of run (so that some break falls
    right before it, and some right after), each with the lines it breaks into."""
    style = Styles.get("body")
    for run in range(1, 12):
        text = ("培训" * 6)[:run] + mark + "讲习班参加者名单" * 3
        yield text, _lines(para(text, style), 9 * 8)


@pytest.mark.parametrize("mark", FORBIDDEN_START)
def test_chinese_lines_never_begin_with_a_closing_mark(mark):
    for text, lines in _broken_around(mark):
        assert len(lines) > 1
        for line in lines[1:]:
            assert line[0] not in CANNOT_START, (text, lines)


@pytest.mark.parametrize("mark", FORBIDDEN_END)
def test_chinese_lines_never_end_with_an_opening_mark(mark):
    for text, lines in _broken_around(mark):
        for line in lines[:-1]:
            assert line[-1] not in CANNOT_END, (text, lines)


def test_mixed_latin_and_chinese_keep_latin_words_whole():
    text = "Ministry of Public Security 公安部 Criminal Investigation Department"
    lines = _lines(para(text, Styles.get("body")), 120)
    words = set(text.replace("公安部", " ").split())
    for line in lines:
        for word in re.split(r"[\s公安部]+", line):
            assert not word or word in words, lines


def test_long_table_repeats_its_header_and_numbers_every_page():
    rows = [
        [str(number), para(f"Person {number} 人{number}", Styles.get("cell"))]
        for number in range(1, 301)
    ]
    story = [long_table(["No.", "Participant 参加者"], rows, col_widths=[40, frame_width() - 40])]
    pdf = build_pdf(story, title="Long", footer=pages_footer)
    pages = pdf_text(pdf)
    assert len(pages) > 3
    found = []
    for number, text in enumerate(pages, start=1):
        assert "Participant 参加者" in text
        assert f"Page {number} of {len(pages)}" in text
        found += [int(n) for n in re.findall(r"Person (\d+) ", text)]
    assert found == list(range(1, 301))


def test_pages_render_and_are_not_blank():
    pdf = build_pdf([para("讲习班 Workshop", Styles.get("title"))], title="t")
    (image,) = render_pages(pdf)
    assert not is_blank(image)


def test_qr_code_decodes_to_its_text():
    url = "https://example.org/verify/K7M2-9XQP/"
    pdf = build_pdf([qr_drawing(url, 100)], title="t")
    assert decode_qr(pdf) == [url]
