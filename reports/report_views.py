"""The organiser's report page: the text (the overview drafted from the data, rewritten),
previews, publishing and corrections, the e-mail log, and shared links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.queries import get_organised_workshop
from reports import services, statistics
from reports.emails import shared_url
from reports.forms import LinkForm, PublishForm, ReportForm
from reports.models import ReportLink
from reports.pdf.report import report_pdf
from reports.queries import funder_contacts
from reports.report import draft_overview, report_content, roles_of

LANGUAGES = ("en", "zh-hans")


def report_download(workshop, language: str, *, report=None) -> HttpResponse:
    """The report's PDF as a download, ``language`` one of LANGUAGES (else 404)."""
    from reports.document_views import PDF, _download

    if language not in LANGUAGES:
        raise Http404
    content = report_content(workshop, language, now=timezone.now(), report=report)
    response = _download(report_pdf(content), PDF, f"{workshop.slug}-report-{language}.pdf")
    response["Cache-Control"] = "no-store"
    return response


def _drafts(workshop, now) -> dict[str, str]:
    """The overview drafted from the data in both languages, as the form's starting text."""
    roles = roles_of(workshop)
    figures = statistics.report_figures(workshop, now=now)
    sessions = [row.session for row in figures.sessions]
    return {
        field: draft_overview(
            workshop, language, roles=roles, sessions=sessions, people=figures.people
        )
        for field, language in (("overview", "en"), ("overview_local", "zh-hans"))
    }


def _page(request, workshop, *, form=None, publish_form=None, link_form=None, new_link=None):
    report = services.report_for(workshop)
    if form is None:
        initial = {}
        if not report.overview and not report.overview_local:
            initial = _drafts(workshop, timezone.now())
        form = ReportForm(instance=report, initial=initial)
    return render(
        request,
        "reports/report.html",
        {
            "workshop": workshop,
            "report": report,
            "form": form,
            "publish_form": publish_form or PublishForm(default_language=workshop.language),
            "link_form": link_form or LinkForm(),
            "contacts": funder_contacts(workshop),
            "deliveries": report.deliveries.select_related("sent_by").all()[:200],
            "links": report.links.all()[:200],
            "new_link": new_link,
            "now": timezone.now(),
        },
    )


@login_required
@never_cache
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the report's text (the overview drafted from the data the first time); POST:
    save it."""
    workshop = get_organised_workshop(request.user, slug)
    if request.method == "POST":
        form = ReportForm(request.POST, instance=services.report_for(workshop))
        if form.is_valid():
            services.save_report(
                workshop=workshop, text={name: form.cleaned_data[name] for name in form.fields}
            )
            messages.success(request, _("The report's text is saved."))
            return redirect("reports:report", workshop.slug)
        return _page(request, workshop, form=form)
    return _page(request, workshop)


@login_required
def report_preview(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    workshop = get_organised_workshop(request.user, slug)
    return report_download(workshop, language)


@login_required
@require_POST
def report_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish (or publish a correction) and e-mail the funders' contacts their links."""
    workshop = get_organised_workshop(request.user, slug)
    form = PublishForm(request.POST, default_language=workshop.language)
    if not form.is_valid():
        return _page(request, workshop, publish_form=form)
    deliveries = services.publish_report(
        workshop=workshop,
        user=request.user,
        accounts_language=form.cleaned_data["accounts_language"],
        extra=form.cleaned_data["recipients"],
    )
    messages.success(
        request,
        _("The report is published; %(count)s e-mails with a link are on their way.")
        % {"count": len(deliveries)},
    )
    return redirect("reports:report", workshop.slug)


@login_required
@require_POST
@never_cache
def link_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new shared link, shown once on the page that answers."""
    workshop = get_organised_workshop(request.user, slug)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, workshop, link_form=form)
    _link, token = services.create_report_link(
        report=services.report_for(workshop),
        user=request.user,
        label=form.cleaned_data["label"],
        days=form.cleaned_data["days"],
    )
    return _page(request, workshop, new_link=shared_url(token))


@login_required
@require_POST
def link_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = get_organised_workshop(request.user, slug)
    link = get_object_or_404(ReportLink, pk=pk, report__workshop=workshop)
    services.revoke_report_link(link=link)
    messages.success(request, _("The link no longer works."))
    return redirect("reports:report", workshop.slug)
