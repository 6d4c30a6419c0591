"""The attendance register: every confirmed participant by every scheduled session, with the
rates per participant, session, day and agency, as one structure that the page, the CSV and
XLSX files and the PDF all show. The figures come from ``participants.attendance``.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Session, Workshop
from participants import attendance
from participants.exports import Column
from participants.models import Attendance, Registration


@dataclass
class RegisterRow:
    registration: Registration
    marks: list[str | None]  # one per session of ``Register.sessions``, None: not marked
    rate: attendance.Rate
    completed: bool


@dataclass
class Register:
    workshop: Workshop
    sessions: list[Session]
    days: list[tuple[date, list[Session]]]
    rows: list[RegisterRow]
    session_rates: list[attendance.Rate]
    day_rates: list[attendance.Rate]
    agency_rates: list[attendance.Rate]

    @property
    def completed(self) -> int:
        return sum(row.completed for row in self.rows)


def confirmed_people(workshop: Workshop):
    """The confirmed registrations with their agency, by agency then name (no figures: for
    the sign-in sheets and badges)."""
    return (
        Registration.objects.filter(workshop=workshop, status=Registration.Status.CONFIRMED)
        .select_related("agency")
        .annotate(agency_sort=Coalesce(F("agency__name"), F("agency_name")))
        .order_by("agency_sort", "name", "pk")
    )


def register_people(workshop: Workshop, *, now=None):
    """``completion`` of the workshop with agency, ordered by agency then name."""
    return (
        attendance.completion(workshop, now=now)
        .select_related("agency")
        .annotate(agency_sort=Coalesce(F("agency__name"), F("agency_name")))
        .order_by("agency_sort", "name", "pk")
    )


def build_register(workshop: Workshop, *, now=None) -> Register:
    """The register of ``workshop``. Queries, whatever its size: the sessions; the people
    with their completion; every mark; the session rates (2); the day rates (3); the agency
    rates (1)."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(workshop=workshop, status=Session.Status.SCHEDULED)
        .select_related("room")
        .order_by("starts_at", "ends_at", "pk")
    )
    people = list(register_people(workshop, now=now))
    column = {session.pk: index for index, session in enumerate(sessions)}
    marks: dict[int, list] = {person.pk: [None] * len(sessions) for person in people}
    for registration_id, session_id, status in Attendance.objects.filter(
        session__workshop=workshop, session__status=Session.Status.SCHEDULED
    ).values_list("registration_id", "session_id", "status"):
        if registration_id in marks:
            marks[registration_id][column[session_id]] = status
    rows = [
        RegisterRow(
            registration=person,
            marks=marks[person.pk],
            rate=attendance.Rate(person.pk, person.slots_attended, person.slots_counted),
            completed=person.completed,
        )
        for person in people
    ]
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(workshop.local(session.starts_at).date(), []).append(session)
    session_rates = attendance.session_rates(workshop)
    day_rates = attendance.day_rates(workshop, now=now)
    return Register(
        workshop=workshop,
        sessions=sessions,
        days=sorted(by_day.items()),
        rows=rows,
        session_rates=[session_rates[session.pk] for session in sessions],
        day_rates=[day_rates[day] for day in workshop.days if day in day_rates],
        agency_rates=attendance.agency_rates(workshop, now=now),
    )


def percent(rate: attendance.Rate) -> str:
    return "" if rate.rate is None else f"{rate.rate * 100:.0f}%"


def session_label(workshop: Workshop, session: Session, language: str) -> str:
    start = workshop.local(session.starts_at)
    title = session.title_local if language == "zh-hans" and session.title_local else session.title
    return f"{start:%Y-%m-%d %H:%M} {title}"


def status_labels() -> dict[str | None, str]:
    return {None: "", **{value: str(label) for value, label in Attendance.Status.choices}}


def register_columns(register: Register, language: str) -> list[Column]:
    return [
        Column(_("No."), 5),
        Column(_("Name"), 24),
        Column(_("Name (local script)"), 14),
        Column(_("Agency"), 32),
        *[Column(session_label(register.workshop, s, language), 12) for s in register.sessions],
        Column(_("Sessions attended"), 10),
        Column(_("Sessions counted"), 10),
        Column(_("Attendance rate"), 10),
        Column(_("Completed"), 10),
    ]


def register_rows(register: Register, language: str):
    """The register as table rows for ``participants.exports.render``: the header, a row per
    participant, a row of session rates, then the day and agency rates, each under a title
    row. Rates are numbers from 0 to 1 (blank when nothing was expected)."""
    labels = status_labels()
    yes, no = _("yes"), _("no")
    yield [column.header for column in register_columns(register, language)]
    for number, row in enumerate(register.rows, start=1):
        person = row.registration
        yield [
            number,
            person.name,
            person.name_local,
            agency_label(person, language),
            *[labels[mark] for mark in row.marks],
            row.rate.attended,
            row.rate.expected,
            _rounded(row.rate),
            yes if row.completed else no,
        ]
    yield [
        "",
        _("Attended (share of confirmed)"),
        "",
        "",
        *[_rounded(rate) for rate in register.session_rates],
        "",
        "",
        "",
        "",
    ]
    yield []
    yield [_("Day"), _("Attended"), _("Expected"), _("Attendance rate")]
    for rate in register.day_rates:
        yield [rate.key, rate.attended, rate.expected, _rounded(rate)]
    yield []
    yield [_("Agency"), _("Attended"), _("Expected"), _("Attendance rate")]
    for rate in register.agency_rates:
        yield [rate.key, rate.attended, rate.expected, _rounded(rate)]


def _rounded(rate: attendance.Rate):
    return None if rate.rate is None else round(rate.rate, 4)


def agency_label(registration: Registration, language: str) -> str:
    """The agency in the document's language: its local name in Chinese, if it has one."""
    agency = registration.agency if registration.agency_id else None
    if agency is None:
        return registration.agency_name
    if language == "zh-hans" and agency.name_local:
        return agency.name_local
    return agency.name
