"""Attendance documents: sign-in sheets for 1,000 and 10,000 participants, the register PDF
for 1,000 participants by 60 sessions, and 1,000 certificates.

Each figure is the median time of building the document as the organisers' pages do (the
database queries included), next to its floor: reportlab alone building the same pages
from data already in memory (plain ``Table`` chunks with a repeated header, paragraphs,
a two-pass canvas for "page x of y", reportlab's own QR widget). Targets: each within 1.5x
of its floor, and the 10,000-row sheet at most 11x the 1,000-row one (linear growth).
On a scratch SQLite database (``BENCH_DATABASE_URL`` to use another).

    .venv/bin/python -m bench attendance_documents
"""

import io
from datetime import datetime, timedelta
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from bench._harness import against_floor, analyze, report, setup_django

TZ = ZoneInfo("Asia/Shanghai")
SESSIONS = 60
AGENCIES = 40
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def make_workshop(slug: str, people: int, *, sessions: int, marks: bool):
    """A completed workshop with ``people`` confirmed registrations and ``sessions``
    sessions; with ``marks``, everyone marked at every session (mostly present)."""
    from django.contrib.auth import get_user_model

    from events.models import Agency, Session, Workshop
    from participants.models import Attendance
    from tests import factories

    # The factory's Lijiang workshop, 26 to 31 August 2007.
    workshop = factories.workshop(
        title=f"Benchmark workshop {slug}",
        title_local="基准测试培训班",
        slug=slug,
        venue="Guanfang Hotel",
        capacity=people,
        status=Workshop.Status.COMPLETED,
    )
    agencies = [
        Agency.objects.get_or_create(
            name=f"Provincial Department of Public Security {n:02d}",
            defaults={"name_local": f"公安厅{n:02d}"},
        )[0]
        for n in range(AGENCIES)
    ]
    session_rows = Session.objects.bulk_create(
        Session(
            workshop=workshop,
            title=f"Session {n + 1}: identifying victims",
            title_local=f"第{n + 1}节 识别受害者",
            starts_at=datetime(2007, 8, 26 + n // 10, 8, 0, tzinfo=TZ)
            + timedelta(minutes=50 * (n % 10)),
            ends_at=datetime(2007, 8, 26 + n // 10, 8, 45, tzinfo=TZ)
            + timedelta(minutes=50 * (n % 10)),
        )
        for n in range(sessions)
    )
    registrations = factories.bulk_registrations(
        workshop,
        people,
        email=f"{slug}-{{n}}@example.org",
        name="Participant Number {n:05d}",
        each=lambda n: {
            "name_local": SURNAMES[n % 20] + GIVEN[(n // 20) % 20],
            "agency": agencies[n % AGENCIES],
        },
        position="Deputy Director of the Anti-Trafficking Office",
    )
    if marks:
        organiser = get_user_model().objects.get_or_create(username="bench-organiser")[0]
        statuses = ["present"] * 17 + ["late", "excused", "absent"]
        Attendance.objects.bulk_create(
            (
                Attendance(
                    registration=registration,
                    session=session,
                    status=statuses[(r * 7 + s) % 20],
                    recorded_by=organiser,
                )
                for r, registration in enumerate(registrations)
                for s, session in enumerate(session_rows)
            ),
            batch_size=5000,
        )
    return workshop, session_rows


# The floor: reportlab alone, from data in memory ----------------------------------------


def _floor_styles():
    from reportlab.lib.styles import ParagraphStyle

    from reports.pdf.fonts import LATIN, register_fonts

    register_fonts()
    return ParagraphStyle("floor", fontName=LATIN, fontSize=8, leading=10)


def _mixed(text: str) -> str:
    """Escaped markup with the Chinese runs in the CJK font (what any reportlab document
    with both scripts must do)."""
    out = []
    for char in escape(text):
        out.append(f'<font face="WorkshopCJK">{char}</font>' if ord(char) > 0x2E80 else char)
    return "".join(out).replace('</font><font face="WorkshopCJK">', "")


def _numbered_canvas():
    from reportlab.pdfgen.canvas import Canvas

    class Numbered(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._states = []

        def showPage(self):
            self._states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._states)
            for number, state in enumerate(self._states, start=1):
                self.__dict__.update(state)
                self.setFont("WorkshopSans", 7)
                self.drawRightString(560, 25, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return Numbered


def floor_sheet(rows, title: str) -> bytes:
    """A sign-in sheet by reportlab alone: header on each page, 50-row tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table

    style = _floor_styles()
    buffer = io.BytesIO()

    def header(canvas, doc):
        canvas.setFont("WorkshopSans-Bold", 12)
        canvas.drawString(42, 800, "Benchmark workshop")
        canvas.setFont("WorkshopCJK", 9)
        canvas.drawString(42, 788, "基准测试培训班")
        canvas.setFont("WorkshopSans-Bold", 11)
        canvas.drawString(42, 772, title)

    doc = BaseDocTemplate(buffer, pagesize=A4, invariant=True, initialFontName="WorkshopSans")
    doc.addPageTemplates([PageTemplate("p", [Frame(42, 51, 510, 700)], onPage=header)])
    head = ["No.", "Name", "Agency", "Position", "Signature"]
    data = [
        [
            str(number),
            Paragraph(_mixed(f"{name}\n{local}").replace("\n", "<br/>"), style),
            Paragraph(_mixed(agency), style),
            Paragraph(escape(position), style),
            "",
        ]
        for number, (name, local, agency, position) in enumerate(rows, start=1)
    ]
    widths = [30, 148, 138, 87, 107]
    story = [
        Table(
            [head, *data[start : start + 50]],
            style=_floor_table_style(stripes=False),
            colWidths=widths,
            rowHeights=[None] + [30] * len(data[start : start + 50]),
            repeatRows=1,
        )
        for start in range(0, len(data), 50)
    ]
    doc.build(story, canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def _floor_table_style(extra=(), *, stripes=True):
    """The register's and sheets' table look (thin grid, grey header, zebra rows, small
    type), written with reportlab's own TableStyle: the same pages, not a plainer one."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), "WorkshopSans"),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
            *(
                [("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.HexColor("#f5f5f5")])]
                if stripes
                else []
            ),
            *extra,
        ]
    )


def floor_register(names, marks, session_starts) -> bytes:
    """The register by reportlab alone: blocks of 20 session columns, 50-row tables, the
    same header cells (number, date, time) and the same table style."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    style = _floor_styles()
    centred = ParagraphStyle("floor-centre", parent=style, fontSize=7.5, leading=9, alignment=1)
    letters = {"present": "P", "late": "L", "excused": "E", "absent": "A", None: ""}
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), invariant=True, initialFontName="WorkshopSans"
    )
    name_cells = [Paragraph(_mixed(name), style) for name, _agency in names]
    agency_cells = [Paragraph(_mixed(agency), style) for _name, agency in names]
    story = []
    for block in range(0, len(session_starts), 20):
        columns = range(block, min(block + 20, len(session_starts)))
        head = [
            "No.",
            "Name",
            "Agency",
            *[
                Paragraph(
                    f"{c + 1}<br/>{session_starts[c]:%d/%m}<br/>{session_starts[c]:%H:%M}", centred
                )
                for c in columns
            ],
            "Rate",
        ]
        data = [
            [str(n + 1), name_cells[n], agency_cells[n], *[letters[row[c]] for c in columns], "90%"]
            for n, row in enumerate(marks)
        ]
        widths = [22, 150, 120] + [21] * len(columns) + [44]
        table_style = _floor_table_style(
            [("ALIGN", (3, 0), (-1, -1), "CENTER"), ("FONTSIZE", (3, 1), (-1, -1), 7)]
        )
        story += [
            Table(
                [head, *data[start : start + 50]], colWidths=widths, repeatRows=1, style=table_style
            )
            for start in range(0, len(data), 50)
        ]
        story.append(PageBreak())
    doc.build(story, canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def floor_certificates(people, url: str, *, qr: bool = True) -> bytes:
    """Certificates by reportlab alone: the same lines, reportlab's QR widget (``qr``
    False: without QR codes, to show what the rest of the page costs)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    _floor_styles()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=True)
    width, height = landscape(A4)
    for code, name, local in people:
        canvas.rect(34, 34, width - 68, height - 68)
        canvas.setFont("WorkshopSans-Bold", 30)
        canvas.drawCentredString(width / 2, height - 120, "Certificate of attendance")
        canvas.setFont("WorkshopSans", 13)
        canvas.drawCentredString(width / 2, height - 170, "This is to certify that")
        canvas.setFont("WorkshopSans-Bold", 26)
        canvas.drawCentredString(width / 2, height - 215, name)
        canvas.setFont("WorkshopCJK", 24)
        canvas.drawCentredString(width / 2, height - 250, local)
        canvas.setFont("WorkshopSans", 13)
        canvas.drawCentredString(width / 2, height - 290, "attended the workshop")
        canvas.setFont("WorkshopSans-Bold", 18)
        canvas.drawCentredString(width / 2, height - 320, "Benchmark workshop")
        canvas.setFont("WorkshopSans", 12)
        canvas.drawCentredString(
            width / 2, height - 350, "26 August 2007 \u2013 31 August 2007 · Lijiang"
        )
        canvas.drawCentredString(width / 2, height - 370, "Hours attended: 40.5")
        canvas.setFont("WorkshopSans", 10)
        canvas.drawString(62, 120, f"Verification code: {code}")
        if not qr:
            canvas.showPage()
            continue
        widget = QrCodeWidget(f"{url}{code}/")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(85, 85, transform=[85 / (x1 - x0), 0, 0, 85 / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, width - 140, 56)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main() -> None:
    setup_django()

    from reports.certificates import issue_certificates
    from reports.pdf.certificates import certificates_pdf
    from reports.pdf.register import register_pdf
    from reports.pdf.signin import people_of, sheets_for, sign_in_sheets
    from reports.register import build_register

    print("Loading 1,000 people x 60 sessions (60,000 marks) and 10,000 people ...", flush=True)
    small, small_sessions = make_workshop("bench-1k", 1000, sessions=SESSIONS, marks=True)
    large, large_sessions = make_workshop("bench-10k", 10_000, sessions=1, marks=False)
    analyze()

    def ours_sheet(workshop, session):
        return lambda: sign_in_sheets(
            workshop, sheets_for(workshop, language="en", only=session.pk), language="en"
        )

    def floor_sheet_of(workshop):
        rows = [(p.name, p.name_local, p.agency, p.position) for p in people_of(workshop, "en")]
        return lambda: floor_sheet(rows, "Sign-in sheet: Session 1")

    sheets = {}
    for people, workshop, sessions, repeat, warmup in [
        ("1,000", small, small_sessions, 5, 1),
        ("10,000", large, large_sessions, 2, 0),  # fewer turns: each takes seconds
    ]:
        sheets[people] = against_floor(
            f"sign-in sheet, {people} participants",
            ours_sheet(workshop, sessions[0]),
            floor_sheet_of(workshop),
            baseline_name="reportlab alone",
            target=1.5,
            repeat=repeat,
            warmup=warmup,
        )["ours"]
    sheet_1k, sheet_10k = sheets["1,000"], sheets["10,000"]
    report(
        "sign-in sheet growth, 10,000 vs 1,000",
        sheet_10k,
        "s",
        baseline_name="1,000 participants",
        baseline=sheet_1k,
        target=11,
    )

    register = build_register(small)
    names = [
        (row.registration.name + " " + row.registration.name_local, row.registration.agency.name)
        for row in register.rows
    ]
    marks = [row.marks for row in register.rows]
    starts = [small.local(session.starts_at) for session in register.sessions]
    against_floor(
        "register PDF, 1,000 x 60 sessions",
        lambda: register_pdf(build_register(small)),
        lambda: floor_register(names, marks, starts),
        baseline_name="reportlab alone",
        target=1.5,
        repeat=3,
        warmup=1,
    )

    certificates = issue_certificates(small)
    print(f"({len(certificates)} of 1,000 completed; certificates for all of them below)")
    people = [(c.code, c.name, c.name_local) for c in certificates]
    figures = against_floor(
        f"{len(certificates):,} certificates",
        lambda: certificates_pdf(small, issue_certificates(small), language="en"),
        lambda: floor_certificates(people, "http://127.0.0.1:8000/certificates/"),
        baseline_name="reportlab alone",
        target=1.5,
        repeat=3,
        warmup=0,
        # reportlab's QR widget dominates that floor; the pages without any, for scale.
        also={"without_qr": lambda: floor_certificates(people, "", qr=False)},
    )
    report(
        f"{len(certificates):,} certificates (for scale)",
        figures["ours"],
        "s",
        baseline_name="reportlab alone, pages without QR codes",
        baseline=figures["without_qr"],
    )


if __name__ == "__main__":
    main()
