"""The funders' pages: the workshops their agency funds with their figures, each one's summary,
its published report; the shared links; where a signed-in user lands. Everything a funder
reads goes through ``reports.queries`` (404 to anyone else); no page shows a participant's
name or contact."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports import queries, statistics
from reports.report import report_content
from reports.report_views import LANGUAGES, report_download


def _language() -> str:
    return "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After sign-in (LOGIN_REDIRECT_URL): organisers to /organise/, funders to /funders/."""
    return redirect(queries.landing_url(request.user))


def _funder(request) -> None:
    if not queries.is_funder(request.user):
        raise Http404


@login_required
@require_GET
@never_cache
def funders_home(request: HttpRequest) -> HttpResponse:
    """The workshops the user's agency funds, upcoming, running and past, with figures."""
    agency = queries.funder_agency(request.user)
    if agency is None:
        raise Http404
    board = statistics.dashboard(
        queries.funded_workshops(request.user), now=timezone.now(), with_clashes=False
    )
    programmes = sorted(
        {
            row.workshop.programme
            for row in [*board.upcoming, *board.running, *board.past]
            if row.workshop.programme
        },
        key=lambda programme: programme.name,
    )
    return render(
        request,
        "reports/funders/home.html",
        {"agency": agency, "board": board, "programmes": programmes},
    )


@login_required
@require_GET
@never_cache
def funder_workshop(request: HttpRequest, slug: str) -> HttpResponse:
    """One funded workshop's summary: where, when, who hosted it, its figures (groups of
    fewer than 5 hidden), and its report once published."""
    workshop = queries.get_funded_workshop(request.user, slug)
    content = report_content(workshop, _language(), now=timezone.now())
    return render(
        request,
        "reports/funders/workshop.html",
        {
            "workshop": workshop,
            "content": content,
            "figures": content.figures,
            "published": queries.published_report(workshop),
            "min_group": statistics.min_group(),
        },
    )


@login_required
@require_GET
def funder_report(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """The published report's PDF; 404 before it is published."""
    workshop = queries.get_funded_workshop(request.user, slug)
    report = queries.published_report(workshop)
    if report is None:
        raise Http404
    return report_download(workshop, language, report=report)


@require_GET
@never_cache
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """What a shared link opens: the workshop's name and the report in both languages."""
    link = queries.get_shared_link(token)
    response = render(
        request,
        "reports/funders/shared.html",
        {"link": link, "workshop": link.report.workshop, "token": token, "languages": LANGUAGES},
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def shared_report_pdf(request: HttpRequest, token: str, language: str) -> HttpResponse:
    link = queries.get_shared_link(token)
    return report_download(link.report.workshop, language, report=link.report)


@login_required
@require_GET
@never_cache
def funder_programme(request: HttpRequest) -> HttpResponse:
    """The programme report of the workshops the user's agency funds, narrowed by
    programme and period: PDF, the indicators as CSV/XLSX, or the pseudonymised people."""
    from events.models import Programme
    from participants.exports import CONTENT_TYPES
    from reports.document_views import PDF, _download
    from reports.documents import DOCUMENTS
    from reports.forms import ProgrammeForm
    from reports.programme import Selection

    _funder(request)
    form = ProgrammeForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    programme = None
    if data["programme"]:
        programme = Programme.objects.filter(
            pk=data["programme"],
            workshops__in=queries.funded_workshops(request.user),
        ).first()
        if programme is None:
            raise Http404
    selection = Selection(
        user=request.user, programme=programme, start=data["start"], end=data["end"]
    )
    choice = data["format"] or "pdf"
    kind, fmt = (
        ("programme-participants", choice[7:])
        if choice.startswith("people-")
        else (
            "programme",
            choice,
        )
    )
    content = DOCUMENTS[kind].build(selection, _language(), fmt)
    content_type = PDF if fmt == "pdf" else CONTENT_TYPES[fmt]
    response = _download(content, content_type, f"{kind}.{fmt}")
    response["Cache-Control"] = "no-store"
    return response
