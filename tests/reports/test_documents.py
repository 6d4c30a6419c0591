"""The attendance documents read back: sign-in sheets, the register (page, CSV, XLSX, PDF),
badges and certificates (QR codes decoded and followed), the verification page, the
participant's own certificate, and ``build_document``."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Agency, Room, Workshop, WorkshopAgency
from participants.attendance import checkin_code, find_by_checkin_code, record_attendance
from participants.models import Registration
from reports.certificates import certificate_for, issue_certificates, revoke_certificate
from reports.documents import DOCUMENTS
from reports.models import Certificate
from tests import factories
from tests.conftest import at
from tests.reports.pdfcheck import (
    decode_qr,
    is_blank,
    page_count,
    pdf_fonts,
    pdf_text,
    render_pages,
)


@pytest.fixture
def held(workshop, make_session):
    """A completed workshop (60% to complete): three sessions, four people, marks that make
    two complete (Zhang Wei 3 of 3, Wang Fang 2 of 3)."""
    workshop.title_local = "全国反拐培训班"
    workshop.venue = "Guanfang Hotel"
    workshop.status = Workshop.Status.COMPLETED
    workshop.completion_share = 60
    workshop.save()
    host = Agency.objects.create(name="Ministry of Public Security", name_local="公安部")
    WorkshopAgency.objects.create(workshop=workshop, agency=host, role=WorkshopAgency.Role.HOST)
    federation = Agency.objects.create(name="All-China Women's Federation", name_local="全国妇联")
    room = Room.objects.create(name="Lijiang Hall")
    sessions = [
        make_session(
            workshop,
            title=f"Session {n}",
            title_local=f"第{n}节",
            starts_at=at(27, 9 + 2 * n),
            ends_at=at(27, 10 + 2 * n),
            room=room,
        )
        for n in range(1, 4)
    ]
    people = {
        "zhang": factories.registration(
            workshop, "Zhang Wei", name_local="张伟", agency=host, position="Director"
        ),
        "wang": factories.registration(
            workshop, "Wang Fang", name_local="王芳", agency=federation, position="Officer"
        ),
        "li": factories.registration(workshop, "Li Na", name_local="李娜", agency=host),
        "chen": factories.registration(workshop, "Chen Jie", agency_name="Lijiang Police"),
    }
    factories.registration(workshop, "Not Confirmed", status=Registration.Status.PENDING)
    plan = {
        "zhang": ["present", "present", "late"],
        "wang": ["present", "late", "absent"],
        "li": ["present", "absent", "absent"],
        "chen": ["excused", None, None],
    }
    for key, statuses in plan.items():
        for session, status in zip(sessions, statuses, strict=True):
            if status:
                record_attendance(registration=people[key], session=session, status=status, by=None)
    return workshop, sessions, people


def build(kind, workshop, language="en", fmt="pdf") -> bytes:
    return DOCUMENTS[kind].build(workshop, language, fmt)


def assert_fonts_embedded_and_pages_inked(pdf: bytes) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts
    assert {font["emb"] for font in fonts} == {"yes"}, fonts
    assert any("DroidSansFallback" in font["name"] for font in fonts)
    for image in render_pages(pdf):
        assert not is_blank(image)


# Sign-in sheets ------------------------------------------------------------------------


def test_sign_in_sheets_list_everyone_by_agency_then_name(held):
    workshop, _sessions, _people = held
    pdf = build("sign-in-sheets", workshop)
    pages = pdf_text(pdf)
    assert len(pages) == 3  # one sheet per session, each fits a page
    first = pages[0]
    assert "National Anti-Trafficking Workshop" in first
    assert "全国反拐培训班" in first
    assert "Sign-in sheet: Session 1" in first
    assert "Lijiang Hall" in first
    assert "(Asia/Shanghai)" in first
    assert "Monday 27 August 2007, 11:00-12:00 (Asia/Shanghai) · Lijiang Hall" in first
    for heading in ("No.", "Name", "Agency", "Position", "Signature"):
        assert heading in first
    order = list(re.findall(r"(Wang Fang|Chen Jie|Li Na|Zhang Wei)", first))
    assert order == ["Wang Fang", "Chen Jie", "Li Na", "Zhang Wei"]
    assert "王芳" in first
    assert "张伟" in first
    assert "Not Confirmed" not in first
    assert "Page 1 of 1" in first
    assert_fonts_embedded_and_pages_inked(pdf)


def test_a_long_sign_in_sheet_repeats_its_header_and_counts_its_pages(workshop, make_session):
    make_session(workshop, title="Plenary", starts_at=at(27, 9), ends_at=at(27, 10))
    for n in range(60):
        factories.registration(workshop, f"Person {n:02d}", name_local="王芳")
    pdf = build("sign-in-sheets", workshop)
    pages = pdf_text(pdf)
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert "Sign-in sheet: Plenary" in text
        assert "Signature" in text
        assert f"Page {number} of 3" in text
    numbers = [int(n) for text in pages for n in re.findall(r"^(\d+)$", text, re.M)]
    assert numbers[:60] == list(range(1, 61))


def test_day_sheet_has_a_signature_column_per_session(held, organiser):
    workshop, _sessions, _people = held
    client = Client()
    client.force_login(organiser)
    url = reverse("reports:sign_in_sheet", args=[workshop.slug]) + "?day=2007-08-27"
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    (page,) = pdf_text(response.content)
    assert "Sign-in sheet: Monday 27 August 2007" in page
    assert "11:00-12:00, 13:00-14:00, 15:00-16:00 (Asia/Shanghai)" in page
    for column in ("11:00 Session 1", "13:00 Session 2", "15:00 Session 3"):
        assert column in page
    assert "Position" not in page


def test_chinese_sign_in_sheet(held):
    workshop, _sessions, _people = held
    pdf = build("sign-in-sheets", workshop, language="zh-hans")
    first = pdf_text(pdf)[0]
    joined = first.replace("\n", "")
    assert "全国反拐培训班" in first
    assert "第1节" in joined
    assert "公安部" in first  # the agency in the local script
    assert "签到表：" in joined  # noqa: RUF001
    assert "第1页，共1页" in joined  # noqa: RUF001
    assert "签名" in first
    assert_fonts_embedded_and_pages_inked(pdf)


@pytest.mark.parametrize(
    "query", ["?day=2007-13-40", "?day=x", "?session=x", "?session=999999", ""]
)
def test_sign_in_sheet_of_nothing_is_not_found(held, organiser, query):
    workshop, _sessions, _people = held
    client = Client()
    client.force_login(organiser)
    url = reverse("reports:sign_in_sheet", args=[workshop.slug]) + query
    assert client.get(url).status_code == 404


# The register -------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_register_csv_cell_by_cell(held):
    workshop, _sessions, _people = held
    rows = read_csv(build("register", workshop, fmt="csv"))
    assert rows[0] == [
        "No.",
        "Name",
        "Name (local script)",
        "Agency",
        "2007-08-27 11:00 Session 1",
        "2007-08-27 13:00 Session 2",
        "2007-08-27 15:00 Session 3",
        "Sessions attended",
        "Sessions counted",
        "Attendance rate",
        "Completed",
    ]
    assert rows[1] == [
        "1",
        "Wang Fang",
        "王芳",
        "All-China Women's Federation",
        "Present",
        "Late",
        "Absent",
        "2",
        "3",
        "0.6667",
        "yes",
    ]
    assert rows[2][:4] == ["2", "Chen Jie", "", "Lijiang Police"]
    assert rows[2][4:] == ["Excused", "", "", "0", "3", "0.0", "no"]
    assert rows[3][1] == "Li Na"
    assert rows[4][1:] == [
        "Zhang Wei",
        "张伟",
        "Ministry of Public Security",
        "Present",
        "Present",
        "Late",
        "3",
        "3",
        "1.0",
        "yes",
    ]
    assert rows[5][1] == "Attended (share of confirmed)"
    assert rows[5][4:7] == ["0.75", "0.5", "0.25"]
    assert rows[7] == ["Day", "Attended", "Expected", "Attendance rate"]
    assert rows[8] == ["2007-08-26", "0", "0", ""]
    assert rows[9] == ["2007-08-27", "6", "12", "0.5"]
    agency_title = rows.index(["Agency", "Attended", "Expected", "Attendance rate"])
    assert rows[agency_title + 1 :] == [
        ["All-China Women's Federation", "2", "3", "0.6667"],
        ["Lijiang Police", "0", "3", "0.0"],
        ["Ministry of Public Security", "4", "6", "0.6667"],
    ]


def test_register_xlsx_cell_by_cell(held):
    workshop, _sessions, _people = held
    book = load_workbook(io.BytesIO(build("register", workshop, fmt="xlsx")))
    sheet = book.active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:5] == [
        "No.",
        "Name",
        "Name (local script)",
        "Agency",
        "2007-08-27 11:00 Session 1",
    ]
    assert values[1] == [
        1,
        "Wang Fang",
        "王芳",
        "All-China Women's Federation",
        "Present",
        "Late",
        "Absent",
        2,
        3,
        0.6667,
        "yes",
    ]
    assert values[4][1] == "Zhang Wei"
    assert values[4][-4:] == [3, 3, 1.0, "yes"]


def test_register_pdf_is_landscape_with_rates(held):
    workshop, _sessions, _people = held
    pdf = build("register", workshop)
    text = "\n".join(pdf_text(pdf))
    assert "Attendance register" in text
    assert "4 confirmed participants, 3 sessions, 2 completed" in text
    assert "Wang Fang 王芳" in text
    assert "67%" in text
    assert "100% *" in text
    assert "Attendance by agency" in text
    assert "Lijiang Police" in text
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert box.width > box.height
    assert_fonts_embedded_and_pages_inked(pdf)


def test_chinese_register_pdf_marks_in_chinese(held):
    workshop, _sessions, _people = held
    text = "\n".join(pdf_text(build("register", workshop, language="zh-hans")))
    assert "到" in text
    assert "迟" in text
    assert "缺" in text


def test_register_page(held, organiser):
    workshop, _sessions, _people = held
    client = Client()
    client.force_login(organiser)
    page = client.get(reverse("reports:register", args=[workshop.slug])).content.decode()
    assert "4 confirmed participants, 2 completed" in page
    assert re.search(r"Zhang Wei.*?Present.*?Present.*?Late.*?100%", page, re.S)
    assert "Lijiang Police" in page


@pytest.mark.parametrize("count", [10, 1000])
def test_register_page_query_count_is_flat(
    workshop, make_session, organiser, django_assert_num_queries, count
):
    sessions = [
        make_session(workshop, title=f"S{n}", starts_at=at(27, 8 + n), ends_at=at(27, 9 + n))
        for n in range(3)
    ]
    agency = Agency.objects.create(name="Ministry")
    registrations = factories.bulk_registrations(workshop, count, agency=agency)
    from participants.models import Attendance

    Attendance.objects.bulk_create(
        Attendance(registration=r, session=s, status="present")
        for r in registrations
        for s in sessions
    )
    client = Client()
    client.force_login(organiser)
    # Login session, user; the workshop; the sessions; the people with completion; the
    # marks; session rates (confirmed count, per session); day rates (slots, attended,
    # confirmed count); agency rates.
    with django_assert_num_queries(12):
        response = client.get(reverse("reports:register", args=[workshop.slug]))
    assert response.content.decode().count("data-registration=") == count


# Badges -------------------------------------------------------------------------------


def test_badges_carry_names_agencies_and_a_checkin_qr_that_finds_the_person(held):
    workshop, _sessions, people = held
    pdf = build("badges", workshop)
    (text,) = pdf_text(pdf)
    text = " ".join(text.split())
    for name in ("Zhang Wei", "张伟", "Wang Fang", "王芳", "All-China Women's Federation"):
        assert name in text
    codes = decode_qr(pdf)
    assert sorted(codes) == sorted(checkin_code(person) for person in people.values())
    assert {find_by_checkin_code(workshop, code) for code in codes} == set(people.values())
    assert_fonts_embedded_and_pages_inked(pdf)


def test_badges_eight_to_a_page(workshop):
    for n in range(9):
        factories.registration(workshop, f"Person {n}")
    assert page_count(build("badges", workshop)) == 2


# Certificates -------------------------------------------------------------------------


def test_certificates_go_to_those_who_completed(held):
    workshop, _sessions, people = held
    certificates = issue_certificates(workshop)
    # In the register's order: agency, then name.
    assert [c.registration for c in certificates] == [people["wang"], people["zhang"]]
    assert {c.name for c in certificates} == {"Zhang Wei", "Wang Fang"}
    assert {c.time_attended for c in certificates} == {timedelta(hours=3), timedelta(hours=2)}
    # Issuing again changes nothing.
    assert {c.pk for c in issue_certificates(workshop)} == {c.pk for c in certificates}
    assert certificate_for(people["li"]) is None


def test_no_certificates_before_the_workshop_is_over(held):
    workshop, _sessions, _people = held
    workshop.status = Workshop.Status.PUBLISHED
    workshop.save()
    assert issue_certificates(workshop, now=at(28, 9)) == []
    assert len(issue_certificates(workshop, now=at(31, 23, 59) + timedelta(minutes=2))) == 2


def test_mandatory_session_missed_means_no_certificate(held):
    workshop, sessions, people = held
    sessions[2].is_mandatory = True
    sessions[2].save()
    assert {c.registration for c in issue_certificates(workshop)} == {people["zhang"]}


def test_certificate_pdf_qr_leads_to_the_verification_page(held, client):
    workshop, _sessions, people = held
    pdf = build("certificates", workshop)
    pages = pdf_text(pdf)
    assert len(pages) == 2
    zhang = next(text for text in pages if "Zhang Wei" in text)
    assert "张伟" in zhang
    assert "National Anti-Trafficking Workshop" in zhang
    assert "Hosted by Ministry of Public Security" in zhang
    assert "Hours attended: 3.0" in zhang
    assert "Guanfang Hotel" in zhang
    assert_fonts_embedded_and_pages_inked(pdf)
    (url,) = decode_qr(pdf, page=pages.index(zhang) + 1)
    certificate = Certificate.objects.get(registration=people["zhang"])
    assert url.endswith(
        f"/certificates/{certificate.code[:4]}-{certificate.code[4:8]}-{certificate.code[8:]}/"
    )
    assert f"Verification code: {certificate.code[:4]}-" in zhang
    page = client.get(url.split("8000", 1)[-1] if "8000" in url else url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="genuine"' in body
    assert "Zhang Wei" in body
    assert "张伟" in body
    assert "National Anti-Trafficking Workshop" in body
    # Only name, workshop and dates: not the agency, position, e-mail or hours.
    for private in ("Ministry of Public Security", "Director", "@example.org", "Hours"):
        assert private not in body


def test_verification_of_a_revoked_and_an_unknown_code(held, client, organiser):
    workshop, _sessions, _people = held
    certificate = issue_certificates(workshop)[0]
    revoke_certificate(certificate=certificate, by=organiser, reason="Issued in error")
    page = client.get(reverse("reports:verify_certificate", args=[certificate.code]))
    assert page.status_code == 200
    assert 'data-verdict="revoked"' in page.content.decode()
    assert "no longer valid" in page.content.decode()
    unknown = client.get(reverse("reports:verify_certificate", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert unknown.status_code == 404
    assert 'data-verdict="unknown"' in unknown.content.decode()
    nul = client.get("/certificates/%00ABC/")
    assert nul.status_code == 404
    # Revoked: a new certificate may be issued, with a new code.
    again = certificate_for(certificate.registration)
    assert again.code != certificate.code


def test_participant_downloads_their_own_certificate(held, client):
    _workshop, _sessions, people = held
    page = client.get(reverse("participants:personal", args=[people["zhang"].token]))
    url = reverse("reports:certificate", args=[people["zhang"].token])
    assert url in page.content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    (text,) = pdf_text(response.content)
    assert "Zhang Wei" in text
    assert "Wang Fang" not in text
    assert client.get(reverse("reports:certificate", args=[people["li"].token])).status_code == 404


# build_document -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "filename"),
    [
        ("sign-in-sheets", "sheets.pdf"),
        ("register", "register.pdf"),
        ("register", "register.csv"),
        ("register", "register.xlsx"),
        ("badges", "badges.pdf"),
        ("certificates", "certificates.pdf"),
    ],
)
def test_build_document_writes_each_kind(held, tmp_path, kind, filename):
    workshop, _sessions, _people = held
    output = tmp_path / filename
    out = io.StringIO()
    call_command(
        "build_document",
        kind,
        workshop.slug,
        "--language",
        "zh-hans",
        "--output",
        str(output),
        stdout=out,
    )
    assert output.exists()
    assert f"Wrote {output}" in out.getvalue()
    content = output.read_bytes()
    if filename.endswith(".pdf"):
        assert "王芳" in "\n".join(pdf_text(content)) or "张伟" in "\n".join(pdf_text(content))
    elif filename.endswith(".csv"):
        assert read_csv(content)[1][2] == "王芳"
    else:
        assert load_workbook(io.BytesIO(content)).active["C2"].value == "王芳"


def test_build_document_refuses_a_wrong_extension_and_an_unknown_workshop(held, tmp_path):
    workshop, _sessions, _people = held
    with pytest.raises(CommandError, match=r"--output: a badges document is written as \.pdf"):
        call_command("build_document", "badges", workshop.slug, "--output", str(tmp_path / "b.csv"))
    with pytest.raises(CommandError, match="No workshop has the short name"):
        call_command("build_document", "badges", "nope", "--output", str(tmp_path / "b.pdf"))


def test_document_downloads_are_for_organisers_only(held, other_organiser, organiser):
    workshop, _sessions, _people = held
    url = reverse("reports:document", args=[workshop.slug, "register", "xlsx"])
    client = Client()
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="' in response["Content-Disposition"]
    assert (
        client.get(reverse("reports:document", args=[workshop.slug, "register", "doc"])).status_code
        == 404
    )


def test_attendance_tab_lists_sessions_and_documents(held, organiser):
    workshop, sessions, _people = held
    client = Client()
    client.force_login(organiser)
    detail = client.get(reverse("events:workshop_detail", args=[workshop.slug])).content.decode()
    assert reverse("reports:attendance", args=[workshop.slug]) in detail
    page = client.get(reverse("reports:attendance", args=[workshop.slug])).content.decode()
    assert reverse("participants:checkin", args=[workshop.slug, sessions[0].pk]) in page
    assert reverse("participants:room_screen", args=[workshop.slug, sessions[0].pk]) in page
    assert reverse("participants:sheet_entry", args=[workshop.slug, sessions[0].pk]) in page
    assert re.search(rf'data-session="{sessions[0].pk}".*?data-attended>3 / 4', page, re.S)


@pytest.mark.django_db
def test_demo_workshop_documents_build_and_most_people_complete(tmp_path, loaded_demo):
    """The demo's attendance (groups in parallel sessions count as one slot) gives the
    register and the certificates something real to show."""
    workshop = loaded_demo.workshop
    register = build_register_for_demo(workshop)
    assert len(register.rows) > 40
    assert register.completed >= len(register.rows) * 0.8
    for kind, name in [("certificates", "c.pdf"), ("register", "r.xlsx"), ("badges", "b.pdf")]:
        call_command(
            "build_document",
            kind,
            workshop.slug,
            "--output",
            str(tmp_path / name),
            stdout=io.StringIO(),
        )
        assert (tmp_path / name).stat().st_size > 1000


def build_register_for_demo(workshop):
    from reports.register import build_register

    return build_register(workshop)
