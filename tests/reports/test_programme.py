"""The programme report: figures of many workshops by hand (unique people, person-days), the
indicator table as CSV and XLSX, the pseudonymised export, the funder's page and the
command."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Agency, Programme, WorkshopAgency
from participants.models import Attendance
from reports import statistics
from reports.programme import Selection, programme_content, pseudonymised_rows
from tests import factories
from tests.conftest import at
from tests.reports.pdfcheck import pdf_fonts, pdf_text

NOW = datetime(2008, 1, 1, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def funded(workshop, make_workshop, make_session, funder_agency):
    """Two funded workshops of one programme, and one not funded.

    Lijiang (26-31 Aug): Ann attends both sessions (two days), Bo one, Cai none. Kunming
    (Oct): Ann again (one session), Dee none. People trained: Ann and Bo (2); person-days:
    Ann 2 + 1, Bo 1 = 4. Attendance: Lijiang 3 of 3 people x 2 sessions, Kunming 1 of 2 x 1.
    """
    programme = Programme.objects.create(name="COMMIT training")
    workshop.programme = programme
    workshop.save()
    kunming = make_workshop(
        title="Kunming Workshop",
        slug="kunming",
        start_date=date(2007, 10, 8),
        end_date=date(2007, 10, 9),
        programme=programme,
    )
    WorkshopAgency.objects.create(
        workshop=kunming, agency=funder_agency, role=WorkshopAgency.Role.FUNDER
    )
    elsewhere = make_workshop(title="Not Funded", slug="not-funded")
    factories.registration(elsewhere, "Eve")
    province = Agency.objects.create(name="Province", level="provincial", region="Yunnan")
    ann = factories.registration(workshop, "Ann", gender="female", agency=province)
    bo = factories.registration(workshop, "Bo", gender="male", agency=province)
    factories.registration(workshop, "Cai", gender="male")
    first = make_session(workshop, starts_at=at(27, 9), ends_at=at(27, 10))
    second = make_session(workshop, title="Two", starts_at=at(28, 9), ends_at=at(28, 10))
    for registration, session in ((ann, first), (ann, second), (bo, first)):
        Attendance.objects.create(registration=registration, session=session, status="present")
    ann_again = factories.registration(kunming, "Ann", email="ann@example.org", gender="female")
    factories.registration(kunming, "Dee", gender="female")
    third = make_session(
        kunming, title="K", starts_at=at(8, 9, month=10), ends_at=at(8, 10, month=10)
    )
    Attendance.objects.create(registration=ann_again, session=third, status="late")
    return programme


def test_programme_figures_by_hand(funded, funder_agency):
    found = statistics.programme_figures(Selection(funder=funder_agency).workshops(), now=NOW)
    assert [line.workshop.slug for line in found.lines] == [
        "national-anti-trafficking-workshop-2007",
        "kunming",
    ]
    assert found.held == 2
    assert found.people.total == 2  # Ann (twice) and Bo
    assert found.person_days == 4
    # Lijiang: 3 attended of 3 people x 2 sessions taken; Kunming: 1 of 2 x 1.
    assert (found.attended, found.expected) == (3 + 1, 3 * 2 + 2 * 1)
    # Two people: every group is under 5, so none is shown.
    assert all(not group.shown for group in found.people.by_gender.groups)
    assert found.satisfaction is None
    assert found.gain is None


def test_selection_narrows_by_programme_and_period(funded, funder, funder_agency):
    assert Selection(user=funder, start=date(2007, 9, 1)).workshops().count() == 1
    assert Selection(user=funder, end=date(2007, 9, 1)).workshops().count() == 1
    assert Selection(user=funder, programme=funded).workshops().count() == 2
    # A funder's account never reaches a workshop its agency does not fund.
    assert "not-funded" not in set(
        Selection(user=funder).workshops().values_list("slug", flat=True)
    )
    assert Selection(programme=funded).workshops().count() == 2


def test_pseudonymised_export_has_no_names_and_new_pseudonyms_each_time(funded, funder):
    first = list(pseudonymised_rows(Selection(user=funder), "en", now=NOW))
    second = list(pseudonymised_rows(Selection(user=funder), "en", now=NOW))
    header, rows = first[0], first[1:]
    assert "Pseudonym" in header
    assert "Gender" in header
    assert len(rows) == 5  # Ann, Bo, Cai; Ann, Dee
    text = repr(first)
    for secret in ("Ann", "Bo", "Cai", "Dee", "Eve", "@example.org"):
        assert secret not in text
    # Ann has one pseudonym across the workshops of one export ...
    ann = [row for row in rows if row[3] == "Female" and row[7] > 0]
    assert len({row[0] for row in ann}) == 1
    # ... and another in the next export.
    assert {row[0] for row in rows}.isdisjoint({row[0] for row in second[1:]})


def test_funder_downloads_the_programme_report(client, funded, funder):
    client.force_login(funder)
    url = reverse("reports:funder_programme")
    pdf = client.get(url, {"programme": funded.pk})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content))
    assert "Programme report" in text
    assert "COMMIT training" in text
    assert "Kunming Workshop" in text
    assert "Not Funded" not in text
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf.content))
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert rows[0] == ["Indicator", "Group", "Value"]
    values = {row[0]: row[2] for row in rows if not row[1]}
    assert values["Workshops held"] == "2"
    assert values["People trained (unique)"] == "2"
    assert values["Person-days of training"] == "4"
    assert values["Attendance rate"] == "50%"
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert [cell.value for cell in sheet[1]] == ["Indicator", "Group", "Value"]
    people = client.get(url, {"format": "people-csv"}).content.decode("utf-8-sig")
    assert "Ann" not in people
    assert people.count("\n") == 6
    refused = client.get(url, {"from": "2007-13-01"})
    assert refused.status_code == 400
    assert "From" in refused.content.decode()
    other = Programme.objects.create(name="Not theirs")
    assert client.get(url, {"programme": other.pk}).status_code == 404


def test_build_document_programme(funded, tmp_path):
    output = tmp_path / "programme.pdf"
    call_command(
        "build_document",
        "programme",
        "--funder",
        "Funding Agency",
        "--programme",
        "COMMIT training",
        "--from",
        "2007-01-01",
        "--to",
        "2007-12-31",
        "--language",
        "zh-hans",
        "--output",
        str(output),
    )
    text = " ".join(pdf_text(output.read_bytes()))
    assert "项目报告" in text
    assert "COMMIT training" in text
    output = tmp_path / "indicators.csv"
    call_command(
        "build_document", "programme", "--funder", "Funding Agency", "--output", str(output)
    )
    assert "People trained (unique)" in output.read_text(encoding="utf-8-sig")
    with pytest.raises(CommandError, match="--from: “31/12/2007” is not a date"):
        call_command("build_document", "programme", "--from", "31/12/2007", "--output", str(output))
    with pytest.raises(CommandError, match="--funder: “Nobody” matches none"):
        call_command("build_document", "programme", "--funder", "Nobody", "--output", str(output))
    with pytest.raises(CommandError, match="needs the workshop's short name"):
        call_command("build_document", "report", "--output", str(tmp_path / "r.pdf"))


def test_programme_content_query_count_is_flat(funded, funder, django_assert_num_queries):
    # The workshops with their questionnaires (2), their figures, the breakdown of the
    # people trained, the person-days (one time zone), the satisfaction per workshop.
    with django_assert_num_queries(6):
        programme_content(Selection(user=funder), "en", now=NOW)
