"""Organisers' pages for a workshop's registrations: the roster, its exports, actions on one
or many registrations, and the nominations import.

Every view reaches the workshop through ``get_organised_workshop``: other users get a 404
that reveals nothing, anonymous visitors the sign-in page. Rules live in
``participants.services`` (writes) and ``participants.queries`` (reads).
"""

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.models import Agency
from events.queries import get_organised_workshop
from participants import exports, imports, services
from participants.models import Registration
from participants.queries import (
    ending_preview,
    filter_registrations,
    get_workshop_registration,
    may_promote_from_waitlist,
    registration_agencies,
    registration_counts,
    registration_regions,
    waitlist_positions,
    workshop_registrations,
)

# Rows a roster page shows: a workshop of thousands stays a page a phone can open.
ROSTER_PAGE_SIZE = 100

# ---------------------------------------------------------------------------------------------
# The roster


class RegistrationFilterForm(forms.Form):
    """The roster's filters, from the query string; a bad value is ignored, not an error page."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Registration.Status.choices],
    )
    agency = forms.TypedChoiceField(
        label=gettext_lazy("Agency"), required=False, coerce=int, empty_value=None
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"),
        required=False,
        choices=[("", gettext_lazy("Any gender")), *Registration.Gender.choices],
    )
    search = forms.CharField(
        label=gettext_lazy("Name or e-mail"), required=False, max_length=100, strip=True
    )

    def __init__(self, data, *, agencies: list[Agency], regions: list[str]):
        super().__init__(data)
        # Choices from lists already fetched: validation then needs no query of its own.
        self.fields["agency"].choices = [("", _("Any agency"))] + [
            (agency.pk, str(agency)) for agency in agencies
        ]
        self.fields["region"].choices = [("", _("Any region"))] + [
            (region, region) for region in regions
        ]

    def filters(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def _roster(request, workshop):
    """The filter form and the filtered registrations: two queries for the form's choices."""
    form = RegistrationFilterForm(
        request.GET,
        agencies=registration_agencies(workshop),
        regions=registration_regions(workshop),
    )
    filters = form.filters()
    return form, filters, filter_registrations(workshop_registrations(workshop), **filters)


@never_cache
@login_required
def registrations(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    form, filters, rows = _roster(request, workshop)
    counts = registration_counts(workshop)
    page = Paginator(rows, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _with_labels(page.object_list, waitlist_positions(workshop))
    others = request.GET.copy()
    others.pop("page", None)
    # Seats left empty while people wait: a capacity raised since the last decision.
    offer = counts.seats_for_the_waiting_list if may_promote_from_waitlist(workshop) else 0
    return render(
        request,
        "participants/organiser/registrations.html",
        {
            "workshop": workshop,
            "form": form,
            "filtered": bool(filters),
            "registrations": rows,
            "page": page,
            "page_query": others.urlencode(),
            "counts": counts,
            "offer": offer,
            "gender_counts": [
                (label, counts.confirmed_by_gender[value])
                for value, label in Registration.Gender.choices
            ],
            "query": request.GET.urlencode(),
            "actions": BULK_ACTIONS,
        },
    )


@dataclass(frozen=True)
class RosterRow:
    """A registration as the roster shows it: its choices' labels, translated once for the
    whole list, and its place on the whole waiting list (None unless it waits). It reads as
    its registration for everything else (``row.name``, ``row.participant``)."""

    registration: Registration
    gender_label: str
    status_label: str
    source_label: str
    waitlist_position: int | None

    def __getattr__(self, name):
        if name == "registration":  # not set yet (a copy being built): no recursion
            raise AttributeError(name)
        return getattr(self.registration, name)


def _with_labels(registrations, positions: dict[int, int]) -> list[RosterRow]:
    """The rows, each with its labels (get_FOO_display() translates every choice of the
    field on each call, which on a long roster costs more than its query) and its place on
    the waiting list from ``positions``."""
    genders, statuses, sources = (
        {value: str(label) for value, label in choices}
        for choices in (
            Registration.Gender.choices,
            Registration.Status.choices,
            Registration.Source.choices,
        )
    )
    return [
        RosterRow(
            registration=registration,
            gender_label=genders.get(registration.gender, ""),
            status_label=statuses.get(registration.status, registration.status),
            source_label=sources.get(registration.source, registration.source),
            waitlist_position=positions.get(registration.pk),
        )
        for registration in registrations
    ]


@never_cache
@login_required
def registrations_export(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    fmt = request.GET.get("format", exports.CSV)
    if fmt not in exports.FORMATS:
        # Plain text, and the value is not repeated: what came in the URL never becomes markup.
        return _plain_bad_request(_("Unknown export format: choose csv or xlsx."))
    _form, _filters, rows = _roster(request, workshop)
    # .iterator(): rows are written as they arrive instead of all being held as objects.
    return exports.registrations_response(
        rows.iterator(chunk_size=500),
        workshop=workshop,
        fmt=fmt,
        positions=waitlist_positions(workshop),
    )


def _plain_bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# ---------------------------------------------------------------------------------------------
# Actions on one or many registrations


class BulkAction:
    """One of the roster's buttons: which service it calls and how its results read."""

    def __init__(self, name, label, target, service, done, failed):
        self.name = name
        self.label = label
        self.target = target  # the status the action aims at
        self.service = service
        self.done = done  # n -> "%(count)d approved"
        self.failed = failed  # n -> "%(count)d could not be approved (%(names)s): %(reason)s"


BULK_ACTIONS = [
    BulkAction(
        "approve",
        gettext_lazy("Approve"),
        Registration.Status.CONFIRMED,
        services.approve_registration,
        lambda n: ngettext("%(count)d approved", "%(count)d approved", n),
        lambda n: ngettext(
            "%(count)d could not be approved (%(names)s): %(reason)s",
            "%(count)d could not be approved (%(names)s): %(reason)s",
            n,
        ),
    ),
    BulkAction(
        "waitlist",
        gettext_lazy("Move to waiting list"),
        Registration.Status.WAITLISTED,
        services.waitlist_registration,
        lambda n: ngettext(
            "%(count)d moved to the waiting list", "%(count)d moved to the waiting list", n
        ),
        lambda n: ngettext(
            "%(count)d could not be moved to the waiting list (%(names)s): %(reason)s",
            "%(count)d could not be moved to the waiting list (%(names)s): %(reason)s",
            n,
        ),
    ),
    BulkAction(
        "decline",
        gettext_lazy("Decline"),
        Registration.Status.DECLINED,
        services.decline_registration,
        lambda n: ngettext("%(count)d declined", "%(count)d declined", n),
        lambda n: ngettext(
            "%(count)d could not be declined (%(names)s): %(reason)s",
            "%(count)d could not be declined (%(names)s): %(reason)s",
            n,
        ),
    ),
    BulkAction(
        "cancel",
        gettext_lazy("Cancel"),
        Registration.Status.CANCELLED,
        services.cancel_registration,
        lambda n: ngettext("%(count)d cancelled", "%(count)d cancelled", n),
        lambda n: ngettext(
            "%(count)d could not be cancelled (%(names)s): %(reason)s",
            "%(count)d could not be cancelled (%(names)s): %(reason)s",
            n,
        ),
    ),
]
BULK_ACTIONS_BY_NAME = {action.name: action for action in BULK_ACTIONS}


def _back_to_roster(workshop, request):
    """The roster with the filters the organiser was looking at (re-encoded, so only a
    query string of ours can come back)."""
    url = reverse("participants:registrations", args=[workshop.slug])
    query = QueryDict(request.POST.get("filters", "")).urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def registrations_bulk(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    action = BULK_ACTIONS_BY_NAME.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with the selected registrations."))
        return _back_to_roster(workshop, request)
    ids = [value for value in request.POST.getlist("registration") if value.isdigit()]
    # In order of arrival, so that when seats run short the earlier registrations get them.
    selected = list(
        Registration.objects.filter(workshop=workshop, pk__in=ids)
        .select_related("participant", "workshop")
        .order_by("created_at", "pk")
    )
    if not selected:
        messages.error(request, _("Select at least one registration first."))
        return _back_to_roster(workshop, request)

    done = 0
    # reason -> names, so that the message groups the people who fared alike.
    failed: dict[str, list[str]] = defaultdict(list)
    for registration in selected:
        name = registration.name
        if registration.status == action.target:
            failed[_already(action.target)].append(name)
            continue
        try:
            registration = action.service(registration=registration, by=request.user)
        except services.RegistrationError as error:
            failed[error.message.rstrip(".")].append(name)
            continue
        if registration.status == action.target:
            done += 1
        else:
            failed[_landed_in(registration.status)].append(name)

    parts = [action.done(done) % {"count": done}] if done else []
    parts += [
        action.failed(len(names)) % {"count": len(names), "names": _names(names), "reason": reason}
        for reason, names in failed.items()
    ]
    message = "; ".join(parts) + "."
    (messages.warning if failed else messages.success)(request, message)
    return _back_to_roster(workshop, request)


# The actions the roster asks about on a page first: they end registrations and e-mail people.
ASKED_FIRST = frozenset({"decline", "cancel"})


@never_cache
@login_required
@require_POST
def registrations_bulk_confirm(request, slug):
    """Ask before declining or cancelling the selection: who, and how many will be e-mailed.

    The roster's Decline and Cancel buttons post here (no script needed); the page's own
    form posts the same selection to ``registrations_bulk``. Changes nothing itself.
    Queries: the workshop, the selection, and those of ``ending_preview``.
    """
    workshop = get_organised_workshop(request.user, slug)
    action = BULK_ACTIONS_BY_NAME.get(request.POST.get("action", ""))
    if action is None or action.name not in ASKED_FIRST:
        messages.error(request, _("Choose what to do with the selected registrations."))
        return _back_to_roster(workshop, request)
    ids = [value for value in request.POST.getlist("registration") if value.isdigit()]
    selected = list(
        Registration.objects.filter(workshop=workshop, pk__in=ids)
        .select_related("participant")
        .order_by("created_at", "pk")
    )
    if not selected:
        messages.error(request, _("Select at least one registration first."))
        return _back_to_roster(workshop, request)
    try:
        services.check_roster_editable(workshop)
    except services.RegistrationClosed as closed:
        messages.error(request, closed.message)
        return _back_to_roster(workshop, request)
    return render(
        request,
        "participants/organiser/bulk_confirm.html",
        {
            "workshop": workshop,
            "action": action,
            "preview": ending_preview(workshop, selected),
            "filters": QueryDict(request.POST.get("filters", "")).urlencode(),
        },
    )


def _names(names: list[str], shown: int = 10) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    rest = len(names) - shown
    return ngettext("%(names)s and %(count)d other", "%(names)s and %(count)d others", rest) % {
        "names": ", ".join(names[:shown]),
        "count": rest,
    }


def _already(status: str) -> str:
    return _("they already are “%(status)s”") % {"status": Registration.Status(status).label}


def _landed_in(status: str) -> str:
    """Why an action that succeeded left the registration elsewhere than it aimed."""
    if status == Registration.Status.WAITLISTED:
        return _("the workshop is full or people are waiting, so they joined the waiting list")
    if status == Registration.Status.CONFIRMED:
        return _("a seat was free, so they were confirmed")
    return _("they are now “%(status)s”") % {"status": Registration.Status(status).label}


@login_required
@require_POST
def registrations_promote(request, slug):
    """Give the free seats to the waiting list, first come first served, and tell them.

    For the seats a raised capacity adds while people wait: the workshop's edit page
    (``events``) cannot reach the waiting list, so the roster offers it.
    """
    workshop = get_organised_workshop(request.user, slug)
    promoted = services.promote_from_waitlist(workshop=workshop)
    if promoted:
        messages.success(
            request,
            ngettext(
                "%(count)d person moved from the waiting list to confirmed: %(names)s. "
                "They are told by e-mail if they have an address.",
                "%(count)d people moved from the waiting list to confirmed, in the order they "
                "joined it: %(names)s. They are told by e-mail if they have an address.",
                len(promoted),
            )
            % {"count": len(promoted), "names": _names([r.name for r in promoted])},
        )
    else:
        # Someone else took the seats first, or the workshop is no longer running.
        messages.info(request, _("No seat is free for the waiting list: nothing changed."))
    return _back_to_roster(workshop, request)


@login_required
@require_POST
def registration_new_link(request, slug, pk):
    workshop = get_organised_workshop(request.user, slug)
    registration = get_workshop_registration(workshop, pk)
    # Both of the person's secrets: the page link, and the calendar link the page shows.
    services.revoke_registration_link(registration=registration)
    person = registration.participant
    if person.email:
        message = _(
            "%(name)s has new personal links, sent to %(email)s; the old personal page and "
            "calendar links no longer work."
        )
    else:
        # Nobody can be e-mailed: the organiser is the only way the link reaches them.
        message = _(
            "%(name)s has new personal links; the old personal page and calendar links no "
            "longer work. They have no e-mail address, so give them the new page link "
            "yourself: %(url)s"
        )
    messages.success(
        request,
        message
        % {
            "name": registration.name,
            "email": person.email,
            "url": request.build_absolute_uri(
                reverse("participants:personal", args=[registration.token])
            ),
        },
    )
    return _back_to_roster(workshop, request)


# ---------------------------------------------------------------------------------------------
# Nominations import


class NominationsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Nominations file (CSV or XLSX)"),
    )
    nominated_by = forms.ModelChoiceField(
        label=gettext_lazy("Nominating agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("— not recorded —"),
        help_text=gettext_lazy(
            "The agency that sent the list. New people with no agency in the file belong to it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(rows)s people and %(size)s MB per file.") % {
            "rows": imports.MAX_ROWS,
            "size": imports.MAX_BYTES // (1024 * 1024),
        }


def _session_key(workshop) -> str:
    return f"nominations-import:{workshop.pk}"


@never_cache
@login_required
def nominations_import(request, slug):
    workshop = get_organised_workshop(request.user, slug)
    try:
        services.check_registration_open(workshop, source=Registration.Source.IMPORT)
    except services.RegistrationClosed as closed:
        closed_reason = closed.message
    else:
        closed_reason = ""
    if request.method == "POST" and "confirm" in request.POST and not closed_reason:
        return _confirm_import(request, workshop)
    form = (
        NominationsUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else NominationsUploadForm()
    )
    if request.method == "POST" and not closed_reason and form.is_valid():
        nominated_by = form.cleaned_data["nominated_by"]
        try:
            preview = imports.read_nominations(
                workshop, form.cleaned_data["file"], nominated_by=nominated_by
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[_session_key(workshop)] = preview.to_session()
            return _preview(request, workshop, preview)
    return render(
        request,
        "participants/organiser/import.html",
        {
            "workshop": workshop,
            "form": form,
            "columns": imports.COLUMNS,
            "closed_reason": closed_reason,
        },
    )


def _preview(request, workshop, preview, *, error="", status=200):
    return render(
        request,
        "participants/organiser/import_preview.html",
        {"workshop": workshop, "preview": preview, "error": error},
        status=status,
    )


def _confirm_import(request, workshop):
    stored = request.session.get(_session_key(workshop))
    if not stored or stored.get("digest") != request.POST.get("digest"):
        # Another tab uploaded a newer file, or the session ended: what the organiser
        # confirmed is not what we hold, so we write nothing.
        messages.error(
            request,
            _("This preview is no longer current. Upload the file again to see a fresh one."),
        )
        return redirect("participants:nominations_import", slug=workshop.slug)
    nominated_by = (
        Agency.objects.filter(pk=stored["nominated_by"]).first()
        if stored.get("nominated_by")
        else None
    )
    rows = imports.rows_from_session(stored)
    try:
        result = imports.import_nominations(
            workshop, rows, nominated_by=nominated_by, skipped=int(stored.get("skipped", 0))
        )
    except imports.ImportAborted as aborted:
        preview = imports.NominationsPreview(
            workshop=workshop,
            nominated_by=nominated_by,
            rows=aborted.rows,
            digest=stored["digest"],
            filename=stored.get("filename", ""),
        )
        request.session[_session_key(workshop)] = preview.to_session()
        if aborted.error:
            error = _("Nothing was imported: the database refused row %(row)s (%(error)s).") % {
                "row": aborted.row_number or "?",
                "error": aborted.error,
            }
        else:
            error = _(
                "Nothing was imported: some rows have changed since the preview. Check the "
                "problems below, then confirm again to import the rows that are ready."
            )
        return _preview(request, workshop, preview, error=error, status=409)
    del request.session[_session_key(workshop)]
    messages.success(request, _import_summary(result))
    return redirect("participants:registrations", slug=workshop.slug)


def _import_summary(result: imports.ImportResult) -> str:
    created = len(result.created)
    parts = [
        ngettext("%(count)d nomination imported", "%(count)d nominations imported", created)
        % {"count": created}
    ]
    details = [
        pgettext("registrations", "%(count)d %(status)s")
        % {"count": result.count(status), "status": status.label.lower()}
        for status in Registration.Status
        if result.count(status)
    ]
    if details:
        parts[0] += " (" + ", ".join(details) + ")"
    skipped = result.already_registered
    if skipped:
        parts.append(
            ngettext(
                "%(count)d already registered, skipped",
                "%(count)d already registered, skipped",
                skipped,
            )
            % {"count": skipped}
        )
    return "; ".join(parts) + "."


@login_required
def nominations_template(request, slug, fmt):
    workshop = get_organised_workshop(request.user, slug)
    if fmt not in exports.FORMATS:
        return _plain_bad_request(_("Choose csv or xlsx."))
    return exports.table_response(
        [imports.TEMPLATE_HEADERS],
        fmt,
        filename=f"{workshop.slug}-nominations-template",
        widths=[24 for _column in imports.COLUMNS],
        title=_("Nominations"),
    )
