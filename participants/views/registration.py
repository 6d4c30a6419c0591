"""One registration, as the workshop's organisers see and correct it: who, status, history
(the audit trail and the e-mails sent), attendance, and the form that corrects the details.

The workshop comes through ``get_organised_workshop`` (404 to everyone else, the sign-in page
to the anonymous), the registration from that workshop only (404 for another's). The rules
of a correction are ``participants.corrections``'.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.queries import registration_history, rows
from events.models import Agency
from events.queries import get_organised_workshop
from participants.corrections import map_typed_agency, typed_agencies
from participants.forms import RegistrationDetailsForm
from participants.queries import (
    get_workshop_registration,
    registration_attendance,
    registration_emails,
    waitlist_position_of,
)
from participants.services import RegistrationClosed, RegistrationError, check_roster_editable

# Records of the trail the page shows; the history page has them all.
HISTORY_SHOWN = 20


def _editable(workshop) -> str:
    """Why the workshop's registrations cannot be corrected now, or ""."""
    try:
        check_roster_editable(workshop)
    except RegistrationClosed as refused:
        return str(refused)
    return ""


@never_cache
@login_required
def registration_detail(request, slug, pk):
    """Who, status, recent history, e-mails and attendance of one registration.

    Queries, whatever the length of its history: the workshop (with the permission check),
    the registration (person and agencies joined), its place on the waiting list (only when
    waiting), the newest records of the trail, the e-mails, the marks, the sessions.
    """
    workshop = get_organised_workshop(request.user, slug)
    registration = get_workshop_registration(workshop, pk)
    history = list(registration_history(registration)[: HISTORY_SHOWN + 1])
    attendance = registration_attendance(registration)
    # What the page has read names the rows its trail mentions, without more queries.
    known = [
        workshop,
        registration,
        registration.participant,
        registration.agency,
        registration.nominated_by,
        *(session for session, _mark in attendance),
    ]
    return render(
        request,
        "participants/organiser/registration.html",
        {
            "workshop": workshop,
            "registration": registration,
            "person": registration.participant,
            "position": waitlist_position_of(registration),
            "history": rows(history[:HISTORY_SHOWN], known),
            "more_history": len(history) > HISTORY_SHOWN,
            "emails": registration_emails(registration),
            "attendance": attendance,
            "read_only": _editable(workshop),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def registration_edit(request, slug, pk):
    """Correct the person's details for this workshop (a completed workshop: read-only)."""
    workshop = get_organised_workshop(request.user, slug)
    registration = get_workshop_registration(workshop, pk)
    read_only = _editable(workshop)
    form = RegistrationDetailsForm(
        request.POST if request.method == "POST" and not read_only else None,
        registration=registration,
        organiser=True,
    )
    if request.method == "POST" and not read_only and form.is_valid():
        corrected = form.save(by=request.user)
        if corrected is not None:
            if corrected.changed:
                messages.success(
                    request,
                    _("The details of %(name)s are corrected.")
                    % {"name": corrected.registration.name},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("participants:registration_detail", slug=workshop.slug, pk=pk)
    return render(
        request,
        "participants/organiser/registration_edit.html",
        {
            "workshop": workshop,
            "registration": registration,
            "form": form,
            "read_only": read_only,
        },
    )


class MapAgencyForm(forms.Form):
    text = forms.CharField(max_length=255, strip=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.all())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def typed_agencies_page(request, slug):
    """The agency names people typed on the public form, each with a choice of known agency
    that maps all of this workshop's registrations that typed it.

    Queries: the workshop, the typed names, the agencies (suggestions and the choices).
    """
    workshop = get_organised_workshop(request.user, slug)
    read_only = _editable(workshop)
    if request.method == "POST" and not read_only:
        form = MapAgencyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Agency: choose a known agency from the list."))
        else:
            agency, text = form.cleaned_data["agency"], form.cleaned_data["text"]
            try:
                count = map_typed_agency(workshop=workshop, text=text, agency=agency)
            except RegistrationError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d registration that typed “%(text)s” now belongs to %(agency)s.",
                        "%(count)d registrations that typed “%(text)s” now belong to %(agency)s.",
                        count,
                    )
                    % {"count": count, "text": text, "agency": agency},
                )
        return redirect("participants:typed_agencies", slug=workshop.slug)
    return render(
        request,
        "participants/organiser/typed_agencies.html",
        {
            "workshop": workshop,
            "typed": typed_agencies(workshop),
            "agencies": list(Agency.objects.order_by("name", "pk")),
            "read_only": read_only,
        },
    )
