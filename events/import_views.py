"""Organisers import a timetable from an iCalendar file: upload, preview, confirm.

The upload is kept in the organiser's session (bounded by ``MAX_FILE_BYTES``) between the
preview and the confirmation, and read again on confirming: what is written is what the
preview showed, checked against the timetable as it is at that moment.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.ical_import import (
    MAX_FILE_BYTES,
    CalendarFileError,
    import_sessions,
    preview_import,
    read_calendar,
)
from events.queries import get_organised_workshop

SESSION_KEY = "calendar_import"


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Calendar file (.ics)"),
        help_text=gettext_lazy(
            "Exported from Outlook, Google Calendar, Apple Calendar or Thunderbird; at most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(size)s.") % {"size": "1 MB"}, code="too_large"
            )
        data = upload.read()
        try:
            read_calendar(data)
        except CalendarFileError as error:
            raise ValidationError(str(error), code="unreadable") from None
        return data


@login_required
def timetable_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a calendar file; a readable one is kept for the preview, nothing is written."""
    workshop = get_organised_workshop(request.user, slug)
    form = CalendarUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data: bytes = form.cleaned_data["file"]
        try:
            # Expanded once here, bounded, so that a file the preview cannot show is refused
            # at the upload and never kept for the preview to rebuild on every visit.
            preview_import(workshop, data)
        except CalendarFileError as error:
            form.add_error("file", str(error))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        request.session[SESSION_KEY] = {
            "workshop": workshop.pk,
            "filename": request.FILES["file"].name,
            "data": data.decode("utf-8-sig"),
            "digest": hashlib.sha256(data).hexdigest(),
        }
        return redirect("events:timetable_import_confirm", slug=workshop.slug)
    return render(
        request,
        "events/calendar/import_upload.html",
        {"workshop": workshop, "form": form, "current": "timetable"},
    )


@login_required
def timetable_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """The preview (GET) and the import of the chosen events (POST), from the kept upload."""
    workshop = get_organised_workshop(request.user, slug)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("workshop") != workshop.pk:
        messages.warning(request, _("Choose a calendar file to import first."))
        return redirect("events:timetable_import", slug=workshop.slug)
    data = stored["data"].encode("utf-8")
    try:
        events = preview_import(workshop, data)
    except CalendarFileError as error:
        del request.session[SESSION_KEY]
        messages.error(request, str(error))
        return redirect("events:timetable_import", slug=workshop.slug)

    if request.method == "POST":
        if request.POST.get("digest") != stored["digest"]:
            # Another tab uploaded a different file since this preview was shown.
            messages.error(request, _("The file changed since the preview; check it again."))
            return redirect("events:timetable_import_confirm", slug=workshop.slug)
        chosen = set(request.POST.getlist("event"))
        if not chosen & {e.uid for e in events if e.importable}:
            messages.error(request, _("Choose at least one session to import."))
        else:
            try:
                result = import_sessions(workshop=workshop, events=events, chosen=chosen)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    _("Imported from the calendar file: %(created)d new, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("events:timetable", slug=workshop.slug)

    counts = {
        "create": sum(e.action == "create" for e in events),
        "update": sum(e.action == "update" for e in events),
        "unchanged": sum(e.action == "unchanged" for e in events),
        "skip": sum(e.action == "skip" for e in events),
    }
    return render(
        request,
        "events/calendar/import_preview.html",
        {
            "workshop": workshop,
            "events": events,
            "counts": counts,
            "filename": stored.get("filename", ""),
            "digest": stored["digest"],
            "current": "timetable",
        },
    )
