"""Certificates of attendance: one landscape A4 page each, with the name in both scripts,
the workshop, its dates and place, the hosts, the hours attended, and a verification code
with a QR code of the public page that says whether the certificate is genuine."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm

from events.models import Workshop, WorkshopAgency
from reports.certificates import format_code
from reports.models import Certificate
from reports.pdf.document import render_canvas
from reports.pdf.layout import LANDSCAPE, MUTED, RULE, style
from reports.pdf.qr import draw_qr
from reports.pdf.signin import workshop_heading
from reports.pdf.text import draw_text, fit_size, para

BORDER = 12 * mm
QR_SIZE = 30 * mm


@dataclass(frozen=True)
class WorkshopFacts:
    """What every certificate of a workshop prints about it, read once."""

    title: str
    other_title: str
    dates: str
    place: str
    hosts: str


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('reports:verify_certificate', args=[format_code(code)])}"


def workshop_facts(workshop: Workshop, language: str) -> WorkshopFacts:
    """The workshop's lines in ``language``: one query (the hosts)."""
    local = language == "zh-hans"
    title, other_title = workshop_heading(workshop, language)
    start = formats.date_format(workshop.start_date, "DATE_FORMAT")
    end = formats.date_format(workshop.end_date, "DATE_FORMAT")
    dates = start if workshop.start_date == workshop.end_date else f"{start} \u2013 {end}"
    pick = (lambda english, chinese: chinese or english) if local else (lambda english, _c: english)
    place = ", ".join(
        part
        for part in (
            pick(workshop.venue, workshop.venue_local),
            pick(workshop.city, workshop.city_local),
            pick(workshop.country, workshop.country_local),
        )
        if part
    )
    hosts = [
        pick(role.agency.name, role.agency.name_local)
        for role in WorkshopAgency.objects.filter(workshop=workshop, role=WorkshopAgency.Role.HOST)
        .select_related("agency")
        .order_by("order", "pk")
    ]
    return WorkshopFacts(title, other_title, dates, place, ("、" if local else ", ").join(hosts))


def _hours(certificate: Certificate) -> str:
    hours = certificate.time_attended.total_seconds() / 3600
    return formats.number_format(round(hours, 1), 1)


def _draw_certificate(canvas, certificate: Certificate, facts: WorkshopFacts, styles) -> None:
    width, height = LANDSCAPE
    centre = width / 2
    usable = width - 2 * BORDER - 20 * mm
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(2)
    canvas.rect(BORDER, BORDER, width - 2 * BORDER, height - 2 * BORDER)
    canvas.setLineWidth(0.5)
    canvas.rect(
        BORDER + 3 * mm, BORDER + 3 * mm, width - 2 * BORDER - 6 * mm, height - 2 * BORDER - 6 * mm
    )
    y = height - BORDER - 30 * mm
    heading = _("Certificate of attendance")
    draw_text(
        canvas,
        centre,
        y,
        heading,
        fit_size(heading, 30, usable, bold=True),
        bold=True,
        align="center",
    )
    y -= 18 * mm
    draw_text(canvas, centre, y, _("This is to certify that"), 13, align="center")
    y -= 16 * mm
    draw_text(
        canvas,
        centre,
        y,
        certificate.name,
        fit_size(certificate.name, 26, usable, bold=True),
        bold=True,
        align="center",
    )
    if certificate.name_local:
        y -= 12 * mm
        draw_text(
            canvas,
            centre,
            y,
            certificate.name_local,
            fit_size(certificate.name_local, 24, usable),
            align="center",
        )
    y -= 14 * mm
    draw_text(canvas, centre, y, _("attended the workshop"), 13, align="center")
    y -= 4 * mm
    title = para(facts.title, styles["title"])
    _w, title_height = title.wrap(usable, 60 * mm)
    title.drawOn(canvas, (width - usable) / 2, y - title_height)
    y -= title_height + 2 * mm
    if facts.other_title:
        other = para(facts.other_title, styles["body"])
        _w, other_height = other.wrap(usable, 30 * mm)
        other.drawOn(canvas, (width - usable) / 2, y - other_height)
        y -= other_height
    y -= 8 * mm
    line = facts.dates + (f" · {facts.place}" if facts.place else "")
    draw_text(canvas, centre, y, line, fit_size(line, 12, usable), align="center")
    if facts.hosts:
        y -= 7 * mm
        hosts = _("Hosted by %(hosts)s") % {"hosts": facts.hosts}
        draw_text(canvas, centre, y, hosts, fit_size(hosts, 11, usable), align="center")
    y -= 7 * mm
    hours = _("Hours attended: %(hours)s") % {"hours": _hours(certificate)}
    draw_text(canvas, centre, y, hours, 11, align="center")

    url = verification_url(certificate.code)
    qr_x = width - BORDER - 8 * mm - QR_SIZE
    qr_y = BORDER + 8 * mm
    draw_qr(canvas, url, qr_x, qr_y, QR_SIZE)
    canvas.setFillColor(MUTED)
    left = BORDER + 10 * mm
    draw_text(
        canvas,
        left,
        qr_y + 14 * mm,
        _("Verification code: %(code)s") % {"code": format_code(certificate.code)},
        10,
    )
    verify = _("Check that this certificate is genuine at %(url)s") % {"url": url}
    draw_text(canvas, left, qr_y + 8 * mm, verify, fit_size(verify, 8, qr_x - left - 5 * mm))
    canvas.restoreState()


def certificates_pdf(
    workshop: Workshop,
    certificates: Sequence[Certificate],
    *,
    language: str = "en",
    facts: WorkshopFacts | None = None,
) -> bytes:
    """One page per certificate (the organiser's PDF of all, or a participant's own)."""
    with translation.override(language):
        facts = facts or workshop_facts(workshop, language)
        styles = {
            "title": style("certificate-title", size=18, bold=True, align=TA_CENTER),
            "body": style("certificate-body", size=12, align=TA_CENTER),
        }

        def draw(canvas):
            for certificate in certificates:
                _draw_certificate(canvas, certificate, facts, styles)
                canvas.showPage()
            if not certificates:
                draw_text(
                    canvas,
                    BORDER,
                    LANDSCAPE[1] / 2,
                    _("Nobody has completed this workshop yet."),
                    14,
                )
                canvas.showPage()

        return render_canvas(
            draw,
            title=_("Certificates of attendance: %(workshop)s") % {"workshop": facts.title},
            pagesize=LANDSCAPE,
        )
