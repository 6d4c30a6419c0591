"""The organisers' attendance pages and downloads, the participant's certificate, and the
public verification page.

Organiser pages find the workshop through ``get_organised_workshop`` (404 to anyone else);
documents are built by ``reports.documents`` and the PDF builders, figures come from
``participants.attendance`` through ``reports.register``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.rate_limit import rate_limited, too_many_requests
from events.models import Session, Workshop
from events.queries import get_organised_workshop
from participants.attendance import ATTENDED
from participants.exports import CONTENT_TYPES
from participants.models import Registration
from participants.queries import get_registration_by_token
from reports import certificates as certificate_rules
from reports.documents import DOCUMENTS
from reports.pdf.certificates import certificates_pdf
from reports.pdf.signin import sheets_for, sign_in_sheets
from reports.register import build_register, percent, status_labels

PDF = "application/pdf"


def _language(request) -> str:
    return "zh-hans" if translation.get_language() == "zh-hans" else "en"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)
        },
    )


@login_required
@require_GET
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """Every scheduled session with its marks counted and its attendance pages, and the
    workshop's documents. Queries: the workshop, the sessions with their counts, and the
    confirmed registrations counted."""
    workshop = get_organised_workshop(request.user, slug)
    confirmed = Q(attendances__registration__status=Registration.Status.CONFIRMED)
    sessions = list(
        Session.objects.filter(workshop=workshop)
        .select_related("room")
        .annotate(
            attended=Count("attendances", filter=confirmed & Q(attendances__status__in=ATTENDED)),
            marked=Count("attendances", filter=confirmed),
        )
        .order_by("starts_at", "ends_at", "pk")
    )
    days = sorted({workshop.local(session.starts_at).date() for session in sessions})
    return render(
        request,
        "reports/attendance.html",
        {
            "workshop": workshop,
            "sessions": sessions,
            "days": days,
            "confirmed": Registration.objects.filter(
                workshop=workshop, status=Registration.Status.CONFIRMED
            ).count(),
        },
    )


@login_required
@require_GET
def register_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The register as a page. Queries: the workshop and ``build_register``'s, whatever the
    number of participants and sessions."""
    workshop = get_organised_workshop(request.user, slug)
    register = build_register(workshop)
    labels = status_labels()
    return render(
        request,
        "reports/register.html",
        {
            "workshop": workshop,
            "register": register,
            "rows": [
                (row, [(mark or "", labels[mark]) for mark in row.marks], percent(row.rate))
                for row in register.rows
            ],
            "session_rates": [percent(rate) for rate in register.session_rates],
            "day_rates": [(rate, percent(rate)) for rate in register.day_rates],
            "agency_rates": [(rate, percent(rate)) for rate in register.agency_rates],
        },
    )


@login_required
@require_GET
def document_download(request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    """A document of ``DOCUMENTS`` in the organiser's language."""
    workshop = get_organised_workshop(request.user, slug)
    document = DOCUMENTS.get(kind)
    if document is None or document.scope != "workshop" or fmt not in document.formats:
        raise Http404
    content = document.build(workshop, _language(request), fmt)
    content_type = PDF if fmt == "pdf" else CONTENT_TYPES[fmt]
    return _download(content, content_type, f"{workshop.slug}-{kind}.{fmt}")


@login_required
@require_GET
def sign_in_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """One session's sheet (``?session=<pk>``) or one day's (``?day=YYYY-MM-DD``)."""
    workshop = get_organised_workshop(request.user, slug)
    language = _language(request)
    if "day" in request.GET:
        try:
            day = parse_date(request.GET["day"][:10])
        except ValueError:
            day = None
        if day is None:
            raise Http404
        sheets = sheets_for(workshop, language=language, per="day", only=day)
        name = f"{workshop.slug}-sign-in-{day.isoformat()}.pdf"
    else:
        try:
            pk = int(request.GET.get("session", ""))
        except ValueError:
            raise Http404 from None
        sheets = sheets_for(workshop, language=language, only=pk)
        name = f"{workshop.slug}-sign-in-session-{pk}.pdf"
    if not sheets:
        raise Http404
    return _download(sign_in_sheets(workshop, sheets, language=language), PDF, name)


def personal_section(registration: Registration) -> dict | None:
    """The certificate's link on the personal page (config.shell), once the workshop is
    completed; the download itself says whether this person earned one."""
    confirmed = registration.status == Registration.Status.CONFIRMED
    if not confirmed or registration.workshop.status != Workshop.Status.COMPLETED:
        return None
    return {"certificate_url": reverse("reports:certificate", args=[registration.token])}


@never_cache
@require_GET
def participant_certificate(request: HttpRequest, token: str) -> HttpResponse:
    """A participant's own certificate, from their personal link; 404 unless they completed
    a workshop whose certificates are open."""
    registration = get_registration_by_token(token)
    certificate = certificate_rules.certificate_for(registration)
    if certificate is None:
        raise Http404
    language = registration.preferred_language or "en"
    content = certificates_pdf(registration.workshop, [certificate], language=language)
    filename = f"certificate-{certificate_rules.format_code(certificate.code)}.pdf"
    response = _download(content, PDF, filename)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether the certificate with ``code`` is genuine, revealing only the name, the
    workshop and its dates. Unknown codes answer 404, revoked ones say so. Rate limited per
    address (config/rate_limit.py): codes cannot be tried by the thousand."""
    wait = rate_limited(request, "verification")
    if wait:
        return too_many_requests(request, wait)
    verification = certificate_rules.verify(code)
    response = render(
        request,
        "reports/verify.html",
        {"verification": verification, "code": code[:40]},
        status=200 if verification.found else 404,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
