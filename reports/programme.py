"""The programme report: for a funder, a programme, or the workshops of a period, what they
achieved (``statistics.programme_figures``), as a PDF, as an indicator table (CSV, XLSX)
and as a pseudonymised export of the participants for funders' own analysis.

Which workshops: ``Selection.workshops()``, narrowed from ``reports.queries``: a funder's
account sees only what its agency funds, whatever else it asks for.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from events.localised import localised
from events.models import Agency, Programme, Workshop
from participants import attendance
from reports import statistics
from reports.queries import funded_workshops, workshops_funded_by
from reports.report import agency_name, date_range, one_date, place


@dataclass(frozen=True)
class Selection:
    """Which workshops a programme report covers. ``user``: a funder's account (only what
    its agency funds); ``funder``: an agency (the command line); ``programme``; the
    period ``start``..``end`` (workshops that begin on or after ``start`` and end on or
    before ``end``)."""

    user: object = None
    funder: Agency | None = None
    programme: Programme | None = None
    start: date | None = None
    end: date | None = None

    def workshops(self) -> QuerySet[Workshop]:
        found = funded_workshops(self.user) if self.user is not None else Workshop.objects.all()
        if self.funder is not None:
            found = found.filter(pk__in=workshops_funded_by(self.funder).values("pk"))
        if self.programme is not None:
            found = found.filter(programme=self.programme)
        if self.start is not None:
            found = found.filter(start_date__gte=self.start)
        if self.end is not None:
            found = found.filter(end_date__lte=self.end)
        return found

    def title(self, language: str) -> str:
        parts = []
        if self.programme is not None:
            parts.append(localised(self.programme, "name", language))
        if self.funder is not None:
            parts.append(agency_name(self.funder, language))
        if self.start or self.end:
            if self.start and self.end:
                parts.append(date_range(self.start, self.end, language))
            elif self.start:
                parts.append(_("from %(date)s") % {"date": one_date(self.start, language)})
            else:
                parts.append(_("until %(date)s") % {"date": one_date(self.end, language)})
        return " · ".join(parts) or _("All workshops")


@dataclass
class ProgrammeContent:
    language: str
    title: str
    subtitle: str
    figures: statistics.ProgrammeFigures
    generated: str


def programme_content(selection: Selection, language: str, *, now: datetime) -> ProgrammeContent:
    with translation.override(language):
        return ProgrammeContent(
            language=language,
            title=_("Programme report"),
            subtitle=selection.title(language),
            figures=statistics.programme_figures(selection.workshops(), now=now),
            generated=one_date(now.date(), language),
        )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def indicator_rows(content: ProgrammeContent):
    """The indicator table: a header, then (indicator, group, value) rows; hidden groups
    say "fewer than 5". The same rows feed the PDF's table, the CSV and the XLSX."""
    with translation.override(content.language):
        figures = content.figures
        people = figures.people
        fewer = _("fewer than %(count)s") % {"count": statistics.min_group()}
        yield [_("Indicator"), _("Group"), _("Value")]
        yield [_("Workshops held"), "", figures.held]
        yield [_("People trained (unique)"), "", people.total]
        yield [_("Person-days of training"), "", figures.person_days]
        for label, breakdown in (
            (_("People trained by gender"), people.by_gender),
            (_("People trained by kind of agency"), people.by_kind),
            (_("People trained by level of agency"), people.by_level),
            (_("People trained by region"), people.by_region),
        ):
            for group in breakdown.groups:
                yield [label, group.label, group.count if group.shown else fewer]
        yield [_("Attendance rate"), "", _percent(figures.attendance_rate)]
        yield [
            _("Satisfaction (mean rating, 1 to 5)"),
            "",
            _number(figures.satisfaction) if figures.satisfaction is not None else fewer,
        ]
        yield [_("People who took both knowledge tests"), "", figures.gain_pairs]
        yield [_("Mean learning gain (points)"), "", _number(figures.gain)]


def workshop_rows(content: ProgrammeContent):
    """One row per workshop held."""
    language = content.language
    with translation.override(language):
        yield [
            _("Workshop"),
            _("Dates"),
            _("Place"),
            _("Participants"),
            _("Attendance rate"),
            _("Response rate"),
            _("Satisfaction"),
            _("Learning gain"),
        ]
        for line in content.figures.lines:
            workshop = line.workshop
            gain = line.gain
            yield [
                localised(workshop, "title", language),
                date_range(workshop.start_date, workshop.end_date, language),
                place(workshop, language),
                line.figures.confirmed,
                _percent(line.figures.attendance_rate),
                _percent(line.figures.response_rate),
                _number(line.satisfaction),
                _number(gain.gain) if gain is not None and gain.shown else "",
            ]


def pseudonym(key: bytes, participant_id: int) -> str:
    """A person's pseudonym in one export: the same person, the same pseudonym across the
    export's workshops; another export (another key) gives another, so exports cannot be
    joined, and the key is kept nowhere."""
    digest = hmac.new(key, str(participant_id).encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def pseudonymised_rows(selection: Selection, language: str, *, now: datetime):
    """A header, then one row per confirmed registration of the workshops held: a
    pseudonym, the workshop, gender, agency kind and level, region, sessions attended and
    counted, completed. No name, address, phone, position or agency name. One query per
    workshop (its ``completion``)."""
    key = secrets.token_bytes(32)
    labels = statistics.people_labels()
    with translation.override(language):
        yield [
            _("Pseudonym"),
            _("Workshop"),
            _("First day"),
            _("Gender"),
            _("Kind of agency"),
            _("Level of agency"),
            _("Region"),
            _("Sessions attended"),
            _("Sessions counted"),
            _("Completed"),
        ]
        workshops = (
            selection.workshops()
            .exclude(status=Workshop.Status.CANCELLED)
            .order_by("start_date", "pk")
        )
        for workshop in workshops:
            if workshop.start_date > statistics.local_today(workshop, now):
                continue
            rows = (
                attendance.completion(workshop, now=now)
                .select_related("agency")
                .order_by("participant_id", "pk")
                .only(
                    "pk",
                    "participant_id",
                    "gender",
                    "region",
                    "agency__kind",
                    "agency__level",
                    "agency__region",
                )
            )
            found = []
            for registration in rows:
                agency = registration.agency
                found.append(
                    [
                        pseudonym(key, registration.participant_id),
                        workshop.slug,
                        workshop.start_date,
                        labels["gender"].get(registration.gender, registration.gender),
                        labels["kind"].get(agency.kind, "") if agency else "",
                        labels["level"].get(agency.level, "") if agency else "",
                        registration.region or (agency.region if agency else ""),
                        registration.slots_attended,
                        registration.slots_counted,
                        _("yes") if registration.completed else _("no"),
                    ]
                )
            # By pseudonym: the order tells nothing of when anyone registered.
            yield from sorted(found)
