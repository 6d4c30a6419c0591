"""The nominations import: reading CSV and XLSX, the preview with every problem by row and
column, and the all-or-nothing write through the registration rules."""

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from events.models import Agency
from participants import imports
from participants.models import Participant, Registration
from tests import factories

Status = Registration.Status

HEADER = ["Email", "NAME", "local name", "Gender", "Agency", "Position", "Region", "Phone", "Notes"]
GOOD_LI = [
    "li.na@example.cn",
    "Li Na",
    "李娜",
    "女",
    "mps",
    "Inspector",
    "Beijing",
    "13800138000",
    "x",
]
GOOD_WANG = [
    "wang.jun@example.cn",
    "Wang Jun",
    "王军",
    "M",
    "云南省妇联",
    "Officer",
    "Yunnan",
    "",
    "",
]
GOOD_ZHOU = ["zhou.min@example.cn", "Zhou Min", "周敏", "Female", "", "Teacher", "Yunnan", "", ""]
MIXED = [
    HEADER,
    GOOD_LI,  # row 2
    ["no.name@example.cn", "", "无名", "f", "MPS", "", "", "", ""],  # 3: missing name
    ["not-an-email", "Bad Mail", "", "male", "MPS", "", "", "", ""],  # 4: bad e-mail
    ["odd@example.cn", "Odd Gender", "", "x", "MPS", "", "", "", ""],  # 5: unknown gender
    ["magic@example.cn", "Harry", "", "male", "Ministry of Magic", "", "", "", ""],  # 6
    ["LI.NA@EXAMPLE.CN", "Li Na Again", "", "female", "MPS", "", "", "", ""],  # 7: same as 2
    ["li.mei@example.org", "Li Mei", "李梅", "female", "", "", "", "", ""],  # 8: registered
    GOOD_WANG,  # 9
    ["", "", "", "", "", "", "", "", ""],  # 10: blank, ignored
    GOOD_ZHOU,  # 11: no agency: the nominating agency's
]
EXPECTED_PROBLEMS = [
    "Row 3, column “Name”: Name is missing.",
    "Row 4, column “Email”: “not-an-email” is not an e-mail address.",
    "Row 5, column “Gender”: Unknown gender “x”: use female, male, other or prefer not to say.",
    "Row 6, column “Agency”: Unknown agency “Ministry of Magic”: add it to the list of agencies "
    "first, or write its name, local name or acronym as listed there.",
    "Row 7, column “Email”: Same e-mail as row 2: each person once.",
]


def csv_file(rows, name="nominations.csv", encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="nominations.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        # Phones typed as numbers come back as numbers; the import reads them as text.
        sheet.append([int(v) if isinstance(v, str) and v.isdigit() else (v or None) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


FILES = {"csv": csv_file, "xlsx": xlsx_file}


def import_url(workshop):
    return reverse("participants:nominations_import", kwargs={"slug": workshop.slug})


# ``mps`` is tests/participants/conftest.py's, and so is ``yunnan``, but here it names no region.
@pytest.fixture
def yunnan(yunnan):
    yunnan.region = ""
    yunnan.save()
    return yunnan


@pytest.fixture
def nominator(db):
    return Agency.objects.create(name="Yunnan Education Department", acronym="YED")


@pytest.fixture
def signed_in(client, organiser, participant_registration, mps, yunnan, nominator):
    """The organiser, signed in, with Li Mei already registered and three agencies listed."""
    client.force_login(organiser)
    return client


def upload(client, workshop, file, nominated_by=None):
    data = {"file": file}
    if nominated_by is not None:
        data["nominated_by"] = nominated_by.pk
    return client.post(import_url(workshop), data)


def confirm(client, workshop, response):
    return client.post(
        import_url(workshop),
        {"confirm": "1", "digest": response.context["preview"].digest},
        follow=True,
    )


def problems_shown(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<ul class="problems">(.*?)</ul>', html, re.S)
    if not block:
        return []
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    ]


def summary_shown(response) -> dict[str, str]:
    return dict(re.findall(r'data-summary="(\w+)">([^<]+)<', response.content.decode()))


def people_count() -> tuple[int, int]:
    return Participant.objects.count(), Registration.objects.count()


# --- The preview ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_preview_lists_every_problem_by_row_and_column_and_writes_nothing(
    signed_in, workshop, nominator, fmt
):
    before = people_count()

    response = upload(signed_in, workshop, FILES[fmt](MIXED), nominator)

    assert response.status_code == 200
    assert problems_shown(response) == EXPECTED_PROBLEMS
    assert summary_shown(response) == {
        "ready": "3 ready to import",
        "problems": "5 with problems, will not be imported",
        "registered": "1 already registered, will be skipped",
    }
    preview = response.context["preview"]
    assert [row.number for row in preview.valid_rows] == [2, 9, 11]
    assert [row.number for row in preview.registered_rows] == [8]
    assert preview.ignored_headers == ["Notes"]
    html = response.content.decode()
    assert "Import 3 people" in html
    # Each row is shown as read, with its result; the cell at fault is marked.
    row6 = re.search(r'<tr id="row-6" class="has-problems">(.*?)</tr>', html, re.S).group(1)
    assert '<td class="cell-problem">Ministry of Magic</td>' in row6
    assert re.search(r'<tr id="row-2" class="is-ready">.*?李娜', html, re.S)
    assert re.search(
        r'<tr id="row-8" class="is-registered">.*?<span class="badge">Already registered: '
        r"Confirmed</span>",
        html,
        re.S,
    )
    assert "row-10" not in html
    assert people_count() == before


def test_preview_reads_cleaned_values(signed_in, workshop, mps, yunnan, nominator):
    response = upload(signed_in, workshop, xlsx_file(MIXED), nominator)

    li, wang, zhou = response.context["preview"].valid_rows
    assert li.values["phone"] == "13800138000"
    assert li.data | {"agency": li.data["agency"].pk} == {
        "name": "Li Na",
        "name_local": "李娜",
        "position": "Inspector",
        "region": "Beijing",
        "phone": "13800138000",
        "email": "li.na@example.cn",
        "gender": "female",
        "preferred_language": "en",
        "agency": mps.pk,
    }
    assert (wang.data["gender"], wang.data["agency"]) == ("male", yunnan)
    assert (zhou.data["gender"], zhou.data["agency"]) == ("female", nominator)


# --- Confirming -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_confirm_writes_exactly_the_good_rows(
    signed_in, workshop, mps, yunnan, nominator, fmt, django_capture_on_commit_callbacks
):
    workshop.capacity = 3  # Li Mei holds one seat: two left for three nominees.
    workshop.save()
    preview = upload(signed_in, workshop, FILES[fmt](MIXED), nominator)

    with django_capture_on_commit_callbacks() as callbacks:
        response = confirm(signed_in, workshop, preview)

    assert response.redirect_chain[-1][0] == reverse(
        "participants:registrations", kwargs={"slug": workshop.slug}
    )
    assert [str(m) for m in response.context["messages"]] == [
        "3 nominations imported (2 confirmed, 1 on the waiting list); "
        "1 already registered, skipped."
    ]
    imported = Registration.objects.filter(source=Registration.Source.IMPORT).order_by("pk")
    assert [
        (
            r.name,
            r.name_local,
            r.gender,
            r.agency,
            r.status,
            r.nominated_by,
        )
        for r in imported
    ] == [
        ("Li Na", "李娜", "female", mps, Status.CONFIRMED, nominator),
        ("Wang Jun", "王军", "male", yunnan, Status.CONFIRMED, nominator),
        ("Zhou Min", "周敏", "female", nominator, Status.WAITLISTED, nominator),
    ]
    assert (
        Participant.objects.filter(email__in=["no.name@example.cn", "odd@example.cn"]).count() == 0
    )
    assert Registration.objects.count() == 4
    # One e-mail per new registration, sent once the transaction committed.
    assert len(callbacks) == 3
    # The roster now shows them.
    roster = response.content.decode()
    assert "李娜" in roster
    assert "Zhou Min" in roster


def test_confirm_follows_approval_rules(signed_in, workshop, nominator):
    workshop.requires_approval = True
    workshop.save()
    preview = upload(signed_in, workshop, csv_file([HEADER, GOOD_LI, GOOD_ZHOU]), nominator)

    confirm(signed_in, workshop, preview)

    assert list(Registration.objects.filter(source="import").values_list("status", flat=True)) == [
        Status.PENDING,
        Status.PENDING,
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_same_file_twice_creates_nothing_new(signed_in, workshop, nominator, fmt):
    confirm(signed_in, workshop, upload(signed_in, workshop, FILES[fmt](MIXED), nominator))
    after_first = people_count()

    again = upload(signed_in, workshop, FILES[fmt](MIXED), nominator)

    assert summary_shown(again) == {
        "ready": "0 ready to import",
        "problems": "5 with problems, will not be imported",
        "registered": "4 already registered, will be skipped",
    }
    assert "There is nobody to import from this file." in again.content.decode()
    response = confirm(signed_in, workshop, again)
    assert [str(m) for m in response.context["messages"]] == [
        "0 nominations imported; 4 already registered, skipped."
    ]
    assert people_count() == after_first


def test_person_known_elsewhere_gets_only_what_the_file_says(
    signed_in, workshop, make_workshop, mps, nominator
):
    # Another workshop holds Zhou Min's details; this organiser's file knows less. The
    # import neither shows nor copies nor changes what the other workshop holds.
    elsewhere = make_workshop(slug="elsewhere")
    theirs = factories.registration(
        elsewhere,
        "Zhou Min",
        email="Zhou.Min@example.cn",
        agency=mps,
        preferred_language="zh-hans",
        gender=Registration.Gender.FEMALE,
        position="Director",
        phone="+86 871 555",
        source="public",
    )
    row = ["zhou.min@example.cn", "Zhou M.", "周敏", "", "", "Head Teacher", "", "", ""]

    preview = upload(signed_in, workshop, csv_file([HEADER, row]), nominator)
    page = preview.content.decode()
    for secret in ("Director", "+86 871 555", "Ministry of Public Security", "elsewhere"):
        assert secret not in page
    confirm(signed_in, workshop, preview)

    mine = Registration.objects.get(
        workshop=workshop, participant__email__iexact="zhou.min@example.cn"
    )
    assert mine.participant_id == theirs.participant_id
    assert (mine.name, mine.name_local, mine.position, mine.phone) == (
        "Zhou M.",
        "周敏",
        "Head Teacher",
        "",
    )
    # The defaults of a new registration here, not the other workshop's values.
    assert (mine.agency, mine.gender, mine.preferred_language) == (
        nominator,
        Registration.Gender.UNDISCLOSED,
        workshop.language,
    )
    theirs.refresh_from_db()
    assert (theirs.name, theirs.position, theirs.phone, theirs.agency) == (
        "Zhou Min",
        "Director",
        "+86 871 555",
        mps,
    )
    assert Participant.objects.filter(email__iexact="zhou.min@example.cn").count() == 1


def _plant_refusal():
    """Make the database itself refuse to store a person called "Reject Me"."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION reject_me() RETURNS trigger AS $$ BEGIN "
                "IF NEW.name = 'Reject Me' THEN RAISE EXCEPTION 'planted refusal'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER reject_me BEFORE INSERT ON participants_registration "
                "FOR EACH ROW EXECUTE FUNCTION reject_me()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER reject_me BEFORE INSERT ON participants_registration "
                "WHEN NEW.name = 'Reject Me' BEGIN SELECT RAISE(ABORT, 'planted refusal'); END"
            )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_failure_midway_writes_nothing(
    signed_in, workshop, nominator, fmt, django_capture_on_commit_callbacks
):
    rows = [
        HEADER,
        GOOD_LI,
        GOOD_WANG,
        ["reject@example.cn", "Reject Me", "", "", "", "", "", "", ""],
        GOOD_ZHOU,
    ]
    preview = upload(signed_in, workshop, FILES[fmt](rows), nominator)
    assert [row.number for row in preview.context["preview"].valid_rows] == [2, 3, 4, 5]
    _plant_refusal()
    before = people_count()

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(
            import_url(workshop), {"confirm": "1", "digest": preview.context["preview"].digest}
        )

    assert response.status_code == 409
    error = re.search(
        r'class="message message-error" role="alert">([^<]+)<', response.content.decode()
    )
    assert error.group(1).startswith("Nothing was imported: the database refused row 4 (")
    assert "planted refusal" in error.group(1)
    # Li Na and Wang Jun were written before the refusal: rolled back with it.
    assert people_count() == before
    assert not Participant.objects.filter(email="li.na@example.cn").exists()
    assert callbacks == []


def test_row_made_invalid_after_preview_aborts_everything(signed_in, workshop, yunnan, nominator):
    preview = upload(signed_in, workshop, csv_file([HEADER, GOOD_LI, GOOD_WANG]), nominator)
    assert len(preview.context["preview"].valid_rows) == 2
    yunnan.delete()  # Wang Jun's agency is gone before the organiser confirms.
    before = people_count()

    response = signed_in.post(
        import_url(workshop), {"confirm": "1", "digest": preview.context["preview"].digest}
    )

    assert response.status_code == 409
    assert people_count() == before
    assert "Nothing was imported: some rows have changed since the preview." in (
        response.content.decode()
    )
    assert problems_shown(response) == [
        "Row 3, column “Agency”: Unknown agency “云南省妇联”: add it to the list of agencies "
        "first, or write its name, local name or acronym as listed there."
    ]
    # The fresh preview can be confirmed: it now holds only Li Na.
    done = confirm(signed_in, workshop, response)
    assert [str(m) for m in done.context["messages"]] == ["1 nomination imported (1 confirmed)."]


def test_person_registered_after_preview_is_skipped(signed_in, workshop, nominator):
    preview = upload(signed_in, workshop, csv_file([HEADER, GOOD_LI, GOOD_WANG]), nominator)
    person = factories.registration(
        workshop, "Li Na", email="Li.Na@example.cn", source="public", status="pending"
    ).participant

    response = confirm(signed_in, workshop, preview)

    assert [str(m) for m in response.context["messages"]] == [
        "1 nomination imported (1 confirmed); 1 already registered, skipped."
    ]
    assert Registration.objects.filter(workshop=workshop, participant=person).count() == 1


def test_confirm_of_a_replaced_preview_writes_nothing(signed_in, workshop, nominator):
    first = upload(signed_in, workshop, csv_file([HEADER, GOOD_LI]), nominator)
    upload(signed_in, workshop, csv_file([HEADER, GOOD_WANG]), nominator)  # another tab
    before = people_count()

    response = confirm(signed_in, workshop, first)

    assert [str(m) for m in response.context["messages"]] == [
        "This preview is no longer current. Upload the file again to see a fresh one."
    ]
    assert people_count() == before


def test_confirm_without_preview_writes_nothing(signed_in, workshop):
    response = signed_in.post(import_url(workshop), {"confirm": "1", "digest": "x"}, follow=True)

    assert response.redirect_chain[-1][0] == import_url(workshop)
    assert Registration.objects.count() == 1


def test_cancelled_workshop_takes_no_nominations(signed_in, workshop, nominator):
    workshop.status = workshop.Status.CANCELLED
    workshop.save()

    response = upload(signed_in, workshop, csv_file([HEADER, GOOD_LI]), nominator)

    assert "This workshop has been cancelled. Nobody can be added to it." in (
        response.content.decode()
    )
    assert "preview" not in response.context
    assert Registration.objects.count() == 1


def test_other_organiser_cannot_upload(client, other_organiser, workshop, mps):
    client.force_login(other_organiser)

    response = upload(client, workshop, csv_file([HEADER, GOOD_LI]))

    assert response.status_code == 404
    assert not Participant.objects.filter(email="li.na@example.cn").exists()


# --- Bad files --------------------------------------------------------------------------


def raw(name, content: bytes):
    return SimpleUploadedFile(name, content)


BAD_FILES = [
    (raw("list.pdf", b"%PDF-1.4 ..."), "“list.pdf” is not a CSV or XLSX file: it is a PDF"),
    (raw("list.csv", b""), "The submitted file is empty."),
    (raw("list.csv", b"\n \n,,\n"), "The file is empty."),
    (raw("list.csv", b"Name,Email\n"), "The file has a header row but nobody under it."),
    (
        raw("list.csv", "Name,Gender\n李娜,女\n".encode()),
        "The file has no “Email” column. The first row must name the columns;",
    ),
    (
        raw("list.csv", b"Agency,Phone\nMPS,1\n"),
        "The file has no “Name”, “Email” columns.",
    ),
    (
        raw("list.csv", b"Name,Email,E-mail\nA,a@example.org,b@example.org\n"),
        "Two columns are both “Email” (“Email” and “E-mail”); keep one.",
    ),
    (raw("list.csv", b"Name,Email\n\xff\xff\x80,a@x.org\n"), "could not be decoded"),
    (raw("list.xlsx", b"PK\x03\x04 not really a zip"), "could not be opened as an Excel workbook"),
    (raw("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "This is an old Excel (.xls) file."),
    (
        raw("list.csv", b"Name,Email\n" + b"A,a@example.org\n" * 501),
        "The file has more than 500 people. Split it into files of at most 500 rows",
    ),
    (
        raw("list.csv", b"Name,Email\n" + b"x" * (2 * 1024 * 1024)),
        "The file is 2.0 MB; files up to 2 MB can be imported.",
    ),
]


@pytest.mark.parametrize(("file", "message"), BAD_FILES, ids=[m for _f, m in BAD_FILES])
def test_bad_file_is_named_and_nothing_lost(signed_in, workshop, nominator, file, message):
    before = people_count()

    response = upload(signed_in, workshop, file, nominator)

    assert response.status_code == 200
    assert "preview" not in response.context
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert message in errors[0]
    html = response.content.decode()
    assert 'id="id_file-errors">' in html
    # The nominating agency chosen stays chosen for the next try.
    assert f'<option value="{nominator.pk}" selected>' in html
    assert people_count() == before
    assert "nominations-import:" not in "".join(signed_in.session.keys())


def test_upload_form_requires_a_file(signed_in, workshop):
    response = signed_in.post(import_url(workshop), {})

    assert response.context["form"].errors == {"file": ["This field is required."]}


# --- Reading files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("gb18030", ","), ("utf-16", "\t")],
)
def test_csv_encodings_and_separators(encoding, delimiter):
    file = csv_file(
        [["姓名", "Name", "E-Mail"], ["李娜", "Li Na", "li@example.cn"]],
        encoding=encoding,
        delimiter=delimiter,
    )

    header, rows = imports.read_table(file)

    assert header == ["姓名", "Name", "E-Mail"]
    assert rows == [(2, ["李娜", "Li Na", "li@example.cn"])]


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("E-mail", "email"),
        ("EMAIL ADDRESS", "email"),
        ("  NAME  ", "name"),
        ("Name (local script)", "name_local"),
        ("name_local", "name_local"),
        ("Local Name*", "name_local"),
        ("Organisation", "agency"),
        ("Preferred language", "preferred_language"),
        ("性别", "gender"),
    ],
)
def test_headers_match_whatever_their_case_and_order(spelling, key):
    required = [header for header in ("email", "Name") if header.lower() != key]

    positions, ignored = imports.map_headers(["Remarks", spelling, *required])

    assert positions[key] == 1
    assert ignored == ["Remarks"]


@pytest.mark.parametrize(
    ("typed", "gender"),
    [
        ("F", "female"),
        ("female", "female"),
        ("女", "female"),
        ("Woman", "female"),
        ("m", "male"),
        ("男性", "male"),
        ("Other", "other"),
        ("Prefer not to say", "undisclosed"),
        ("不愿透露", "undisclosed"),
        ("", ""),
    ],
)
def test_gender_synonyms(workshop, typed, gender):
    row = imports.NominationRow(2, {"name": "A", "email": "a@example.org", "gender": typed})

    imports.check_rows(workshop, [row], nominated_by=None)

    assert row.problems == []
    assert row.data["gender"] == gender


def test_agency_matches_acronym_and_names_and_reports_ambiguity(workshop):
    a = Agency.objects.create(name="Public Security Bureau of Kunming", acronym="PSB")
    Agency.objects.create(name="Public Security Bureau of Lijiang", acronym="PSB")
    rows = [
        imports.NominationRow(n, {"name": "A", "email": f"{n}@example.org", "agency": agency})
        for n, agency in enumerate(["psb", "public security bureau of kunming"], start=2)
    ]

    imports.check_rows(workshop, rows, nominated_by=None)

    assert rows[0].problems == [
        imports.Problem(
            "agency",
            "“psb” matches several agencies (Public Security Bureau of Kunming, Public "
            "Security Bureau of Lijiang): write the full name.",
        )
    ]
    assert rows[1].data["agency"] == a


def test_language_column(workshop):
    workshop.language = "zh-hans"
    rows = [
        imports.NominationRow(2, {"name": "A", "email": "a@x.org", "preferred_language": "EN"}),
        imports.NominationRow(3, {"name": "B", "email": "b@x.org", "preferred_language": "中文"}),
        imports.NominationRow(4, {"name": "C", "email": "c@x.org"}),
        imports.NominationRow(5, {"name": "D", "email": "d@x.org", "preferred_language": "fr"}),
    ]

    imports.check_rows(workshop, rows, nominated_by=None)

    assert [row.data["preferred_language"] for row in rows] == ["en", "zh-hans", "zh-hans", None]
    assert rows[3].problems == [
        imports.Problem("preferred_language", "Unknown language “fr”: use en or zh.")
    ]


def test_overlong_value_is_a_problem(workshop):
    row = imports.NominationRow(2, {"name": "A" * 256, "email": "a@example.org"})

    imports.check_rows(workshop, [row], nominated_by=None)

    assert row.problems == [imports.Problem("name", "Name is longer than 255 characters.")]


@pytest.mark.parametrize("count", [10, 500])
def test_preview_queries_do_not_grow(
    signed_in, workshop, nominator, count, django_assert_num_queries
):
    rows = [HEADER] + [
        [f"p{n}@example.org", f"Person {n}", "", "f", "MPS", "", "", "", ""] for n in range(count)
    ]
    file = csv_file(rows)

    # 1 session, 2 user, 3 workshop, 4 the nominating agency (form), 5 all agencies,
    # 6 the known people among the file's addresses with their registration here,
    # 7-9 the session saved with the rows to confirm (savepoint, update, release).
    with django_assert_num_queries(9):
        response = upload(signed_in, workshop, file, nominator)

    assert len(response.context["preview"].valid_rows) == count


# --- The page and its templates ----------------------------------------------------------


def test_import_page_documents_columns_and_offers_templates(signed_in, workshop):
    response = signed_in.get(import_url(workshop))

    html = response.content.decode()
    assert "At most 500 people and 2 MB per file." in html
    for header in imports.TEMPLATE_HEADERS:
        assert f"<code>{header}</code>" in html
    for fmt in ("xlsx", "csv"):
        assert (
            reverse("participants:nominations_template", kwargs={"slug": workshop.slug, "fmt": fmt})
            in html
        )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_download_reads_back_and_imports(signed_in, workshop, fmt):
    url = reverse("participants:nominations_template", kwargs={"slug": workshop.slug, "fmt": fmt})

    response = signed_in.get(url)

    assert response["Content-Disposition"] == (
        f'attachment; filename="{workshop.slug}-nominations-template.{fmt}"'
    )
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        filled = response.content.decode("utf-8-sig") + "Li Na,,,,,,li@example.cn,,\n"
        file = SimpleUploadedFile("template.csv", filled.encode())
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        header = [cell.value for cell in workbook.active[1]]
        file = xlsx_file([header, ["Li Na", "", "", "", "", "", "li@example.cn", "", ""]])
    assert header == [
        "Name",
        "Local name",
        "Gender",
        "Agency",
        "Position",
        "Region",
        "Email",
        "Phone",
        "Language",
    ]

    preview = upload(signed_in, workshop, file)

    assert [row.values["email"] for row in preview.context["preview"].valid_rows] == [
        "li@example.cn"
    ]


def test_template_unknown_format(signed_in, workshop):
    url = reverse("participants:nominations_template", kwargs={"slug": workshop.slug, "fmt": "ods"})

    assert signed_in.get(url).status_code == 400


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged_sheet() -> bytes:
    good = xlsx_file([["Name", "Email"], ["Li Na", "li@example.cn"]]).read()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c>"
    return _zip(entries)


@pytest.mark.parametrize(
    "content",
    [_zip({"readme.txt": b"not a workbook"}), _damaged_sheet()],
    ids=["zip-without-workbook", "damaged-sheet"],
)
def test_unreadable_workbooks_are_named(content):
    with pytest.raises(imports.ImportFileError) as caught:
        imports.read_table(SimpleUploadedFile("list.xlsx", content))

    assert str(caught.value) == "The file could not be opened as an Excel workbook (.xlsx)."
