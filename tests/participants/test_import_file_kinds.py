"""A file that is not a table is named for what it is, whatever it is called, instead of
being read as one column of garbled text ("a header row but nobody under it")."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.models import Registration


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


KINDS = [
    ("list.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document"),
    ("nominations", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image (PNG)"),
    ("scan.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF", "an image (JPEG)"),
    ("list.xlsx", zipped("word/document.xml"), "a Word document (.docx)"),
    ("list.xlsx", zipped("ppt/presentation.xml"), "a PowerPoint presentation (.pptx)"),
    ("list.zip", zipped("a.csv", "b.csv"), "a zip archive"),
    ("list.csv", b"{\\rtf1\\ansi Name, Email}", "a Rich Text document (RTF)"),
    ("list.csv", b"\x00\x01\x02\x03" * 100, "a binary file, not text"),
]


@pytest.mark.parametrize(("name", "content", "kind"), KINDS, ids=[k for _n, _c, k in KINDS])
def test_a_file_that_is_no_table_is_named_for_what_it_is(
    client, organiser, workshop, name, content, kind
):
    client.force_login(organiser)

    response = client.post(
        reverse("participants:nominations_import", args=[workshop.slug]),
        {"file": SimpleUploadedFile(name, content)},
    )

    assert response.context["form"].errors["file"] == [
        f"“{name}” is not a CSV or XLSX file: it is {kind}. Save the list of people as CSV "
        "UTF-8 or as an Excel workbook (.xlsx), then upload it again."
    ]
    assert not Registration.objects.exists()


def test_utf16_text_with_its_byte_order_mark_is_still_read(client, organiser, workshop):
    client.force_login(organiser)
    text = "Name\tEmail\nLi Na\tli.na@example.cn\n".encode("utf-16")

    response = client.post(
        reverse("participants:nominations_import", args=[workshop.slug]),
        {"file": SimpleUploadedFile("list.txt", text)},
    )

    assert response.status_code == 200
    assert [row.values["name"] for row in response.context["preview"].rows] == ["Li Na"]


def test_the_kind_is_named_in_chinese(client, organiser, workshop):
    client.force_login(organiser)

    response = client.post(
        reverse("participants:nominations_import", args=[workshop.slug]),
        {"file": SimpleUploadedFile("list.csv", b"%PDF-1.4\n")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "PDF 文档" in response.context["form"].errors["file"][0]


def test_the_import_help_table_is_not_laid_out_as_page_columns(client, organiser, workshop):
    client.force_login(organiser)

    page = client.get(reverse("participants:nominations_import", args=[workshop.slug]))

    # ".columns" is the page grid (two columns side by side): on the table it split it in two.
    assert '<table class="import-columns">' in page.content.decode()
    assert '<table class="columns">' not in page.content.decode()
