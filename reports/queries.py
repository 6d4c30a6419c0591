"""Who may see which reports: one named function per rule, used by the funders' pages, the
shared links, the programme report and ``manage.py build_document`` alike."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils import timezone

from events.models import Agency, AgencyMember, Workshop, WorkshopAgency
from events.queries import is_organiser
from reports.models import Report, ReportLink, hash_token


def funder_agency(user) -> Agency | None:
    """The agency whose staff ``user`` is (``events.AgencyMember``), or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = AgencyMember.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else None


def workshops_funded_by(agency: Agency) -> QuerySet[Workshop]:
    """Workshops in which ``agency`` has the role FUNDER (drafts included: a funder is told
    of what it pays for while it is planned)."""
    return Workshop.objects.filter(
        pk__in=WorkshopAgency.objects.filter(agency=agency, role=WorkshopAgency.Role.FUNDER).values(
            "workshop_id"
        )
    )


def funded_workshops(user) -> QuerySet[Workshop]:
    """The workshops ``user`` may read as a funder: those their agency funds; none for
    anyone who is not an agency's member. Read-only: no organiser page opens through it."""
    if not user.is_authenticated or not user.is_active:
        return Workshop.objects.none()
    return Workshop.objects.filter(
        pk__in=WorkshopAgency.objects.filter(
            role=WorkshopAgency.Role.FUNDER, agency__members__user=user
        ).values("workshop_id")
    )


def get_funded_workshop(user, slug: str) -> Workshop:
    """The workshop ``slug`` if ``user``'s agency funds it; 404 otherwise, revealing nothing
    (other funders, organisers and strangers alike)."""
    try:
        return funded_workshops(user).select_related("summary_provided_by").get(slug=slug)
    except Workshop.DoesNotExist:
        raise Http404 from None


def is_funder(user) -> bool:
    return funder_agency(user) is not None


def published_report(workshop: Workshop) -> Report | None:
    """The workshop's report if its organiser has published it: what funders may download."""
    return Report.objects.filter(workshop=workshop, published_at__isnull=False).first()


def get_shared_link(token: str, *, now=None) -> ReportLink:
    """The link whose token is ``token`` if it has neither expired nor been revoked; 404 for
    any other token, the same answer whether it never existed, expired or was revoked."""
    now = now or timezone.now()
    link = (
        ReportLink.objects.filter(token_hash=hash_token(token))
        .select_related("report__workshop__summary_provided_by")
        .first()
    )
    if link is None or not link.is_valid(now):
        raise Http404
    return link


def funder_contacts(workshop: Workshop) -> list[str]:
    """The e-mail addresses of the active accounts of the agencies that fund ``workshop``,
    sorted, each once: who is sent the report when it is published. One query."""
    User = get_user_model()
    found = (
        User.objects.filter(
            is_active=True,
            agency_membership__agency__workshop_roles__workshop=workshop,
            agency_membership__agency__workshop_roles__role=WorkshopAgency.Role.FUNDER,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted({email.lower(): email for email in found}.values(), key=str.lower)


def landing_url(user) -> str:
    """Where a signed-in user lands: organisers on their dashboard, funders on their
    workshops, anyone else on the front page."""
    if is_organiser(user):
        return resolve_url("reports:dashboard")
    if is_funder(user):
        return resolve_url("reports:funders")
    return resolve_url("events:home")
