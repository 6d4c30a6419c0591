"""Registrations exported to CSV and XLSX, read back cell by cell."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from events.models import Agency
from participants import exports
from participants.models import Registration
from tests import factories

Status = Registration.Status

# Li Na's row up to her status, the same in CSV and XLSX; then her position (none), when
# she registered, how and by whom nominated.
LI_NA = [
    "Li Na",
    "李娜",
    "Female",
    "Ministry of Public Security (MPS)",
    "Inspector",
    "Beijing",
    "li.na@example.cn",
    "+86 10 6620 3000",
    "Simplified Chinese",
    "Confirmed",
]
HEADER = [
    "Name",
    "Name (local script)",
    "Gender",
    "Agency",
    "Position",
    "Region",
    "E-mail",
    "Phone",
    "Preferred language",
    "Status",
    "Waiting list position",
    "Registered",
    "Source",
    "Nominated by",
]


def export_url(workshop, fmt, **filters):
    url = reverse("participants:registrations_export", kwargs={"slug": workshop.slug})
    return url, {"format": fmt, **filters}


def read_csv(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def roster(workshop):
    """Two people: one confirmed from the form, one waitlisted from an agency's list."""
    agency = Agency.objects.create(
        name="Ministry of Public Security", name_local="公安部", acronym="MPS"
    )
    registered = datetime(2007, 8, 1, 1, 5, tzinfo=UTC)
    first = factories.registration(
        workshop,
        "Li Na",
        name_local="李娜",
        gender=Registration.Gender.FEMALE,
        agency=agency,
        position="Inspector",
        region="Beijing",
        email="li.na@example.cn",
        phone="+86 10 6620 3000",
        preferred_language="zh-hans",
        source="public",
    )
    second = factories.registration(
        workshop,
        '=HYPERLINK("http://evil.example")',
        gender=Registration.Gender.MALE,
        agency_name="Typed-in NGO",
        email="smith@example.org",
        status=Status.WAITLISTED,
        source="import",
        nominated_by=agency,
        waitlisted_at=registered,
    )
    Registration.objects.filter(pk=first.pk).update(created_at=registered)
    Registration.objects.filter(pk=second.pk).update(created_at=registered + timedelta(hours=1))
    return first, second


def test_csv_export_reads_back_with_chinese(client, workshop, organiser, roster):
    client.force_login(organiser)

    response = client.get(*export_url(workshop, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="national-anti-trafficking-workshop-2007-registrations.csv"'
    )
    assert read_csv(response) == [
        HEADER,
        # A phone number is text to a spreadsheet: no visible apostrophe before it.
        [*LI_NA, "", "2007-08-01 09:05", "Public registration form", ""],
        [
            '\'=HYPERLINK("http://evil.example")',
            "",
            "Male",
            "Typed-in NGO",
            "",
            "",
            "smith@example.org",
            "",
            "English",
            "On the waiting list",
            "1",
            "2007-08-01 10:05",
            "Nominations import",
            "Ministry of Public Security (MPS)",
        ],
    ]


def test_xlsx_export_reads_back_cells(client, workshop, organiser, roster):
    client.force_login(organiser)

    response = client.get(*export_url(workshop, "xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="national-anti-trafficking-workshop-2007-registrations.xlsx"'
    )
    rows = read_xlsx(response)
    assert rows[0] == HEADER
    assert rows[1] == [*LI_NA, None, datetime(2007, 8, 1, 9, 5), "Public registration form", None]
    # Text stays text in XLSX: the would-be formula is a plain string, the position a number.
    assert rows[2][0] == '=HYPERLINK("http://evil.example")'
    assert rows[2][10] == 1
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "Registrations"
    assert sheet["A1"].font.b is True
    assert sheet["A2"].font.b is False
    assert sheet["A3"].data_type == "s"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == pytest.approx(24, abs=1)
    assert sheet.column_dimensions["D"].width == pytest.approx(36, abs=1)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_honours_the_filters(client, workshop, organiser, roster, fmt):
    client.force_login(organiser)

    response = client.get(*export_url(workshop, fmt, status="waitlisted"))

    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert [row[6] for row in rows] == ["E-mail", "smith@example.org"]


def test_export_in_chinese_translates_labels(client, workshop, organiser, roster):
    client.force_login(organiser)

    response = client.get(*export_url(workshop, "csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    header, li, _smith = read_csv(response)
    assert (header[0], header[2], header[6]) == ("姓名", "性别", "电子邮件")
    with translation.override("zh-hans"):
        female, confirmed = str(Registration.Gender.FEMALE.label), str(Status.CONFIRMED.label)
    assert female != "Female"
    assert (li[2], li[9]) == (female, confirmed)


def test_export_unknown_format_is_refused(client, workshop, organiser):
    client.force_login(organiser)

    response = client.get(*export_url(workshop, "pdf"))

    assert response.status_code == 400
    assert response.content.decode() == "Unknown export format: choose csv or xlsx."


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("count", [3, 300])
def test_export_queries_do_not_grow(
    client, workshop, organiser, count, fmt, django_assert_num_queries
):
    agency = Agency.objects.create(name="Agency")
    factories.bulk_registrations(workshop, count, name="P{n}", agency=agency, source="demo")
    client.force_login(organiser)

    # 1 session, 2 user, 3 workshop, 4 agencies and 5 regions (the filters' choices), 6 the
    # waiting list in its order (the positions), 7 the registrations with everything a row
    # shows, read by one iterator.
    with django_assert_num_queries(7):
        response = client.get(*export_url(workshop, fmt))

    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert len(rows) == count + 1


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown export format 'ods'"):
        exports.render([["a"]], "ods", title="x")


def test_sheet_title_follows_excel_rules():
    content = exports.render_xlsx([["a"]], title="Registrations: 2007/08 [draft] and more text")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Registrations  2007 08  draft"


def test_export_in_chinese_names_agencies_in_chinese(client, workshop, organiser, roster):
    client.force_login(organiser)
    response = client.get(*export_url(workshop, "csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    _header, li, smith = read_csv(response)
    assert li[3] == "公安部 (MPS)"
    assert smith[3] == "Typed-in NGO"
    assert smith[13] == "公安部 (MPS)"
    english = read_csv(client.get(*export_url(workshop, "csv"), HTTP_ACCEPT_LANGUAGE="en"))
    assert english[1][3] == "Ministry of Public Security (MPS)"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("+86 139 1234 5678", "+86 139 1234 5678"),
        ("-5", "'-5"),
        ("+1", "'+1"),
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("@cmd", "'@cmd"),
        ("Li;=cmd", "Li;'=cmd"),
        ("Typed-in NGO", "Typed-in NGO"),
    ],
)
def test_csv_guard_defuses_formulas_only(typed, written):
    from participants.exports import render_csv

    [row] = list(csv.reader(io.StringIO(render_csv([[typed]]).decode("utf-8-sig"))))
    assert row == [written]


def test_an_export_made_in_chinese_imports_back(client, workshop, organiser, roster, make_workshop):
    from participants import imports

    client.force_login(organiser)
    data = client.get(*export_url(workshop, "csv"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    header, rows = imports.read_table(SimpleUploadedFile("export.csv", data, "text/csv"))
    positions, _ignored = imports.map_headers(header)
    assert header[:2] == ["姓名", "姓名（本地文字）"]  # noqa: RUF001
    assert (positions["name"], positions["name_local"]) == (0, 1)
    first = rows[0][1]
    assert (first[positions["name"]], first[positions["name_local"]]) == ("Li Na", "李娜")
