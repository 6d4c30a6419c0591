"""The post-event report of a workshop as content: every sentence, name and figure it shows, in
one language, ready to be set (``reports.pdf.report``) or shown on a page.

``report_content`` asks the database a fixed number of questions, whatever the size of the
workshop: the report's text, the agencies' roles, then ``statistics.report_figures``.
``draft_overview`` writes the overview from the data in the manner of the reference summary
("Hosted by ... in cooperation with ..., the ... was held from 26 to 31 August 2007 in
Lijiang, Yunnan Province."); the organiser reads it and rewrites it before publishing.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _

from events.localised import localised, reads_local_script
from events.localised import place as full_place
from events.models import Agency, Session, Trainer, Workshop, WorkshopAgency
from reports import statistics
from reports.models import REPORT_SECTIONS, Report

Role = WorkshopAgency.Role


def is_chinese(language: str) -> bool:
    """Whether the document is in Chinese, the local script's language: its names and
    places in that script (events.localised), its dates and lists written the Chinese way."""
    return reads_local_script(language)


def agency_name(agency: Agency, language: str, *, article: bool = False) -> str:
    """The agency's name in ``language``; ``article`` puts "the" before an English name, as
    running English text names bodies ("hosted by the Ministry of ...")."""
    name = localised(agency, "name", language)
    english = not is_chinese(language) and name == agency.name
    if article and english and not name.lower().startswith("the "):
        return f"the {name}"
    return name


def join_names(names: list[str], language: str) -> str:
    """ "A, B and C" in English, "A、B和C" in Chinese."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    if is_chinese(language):
        return "、".join(names[:-1]) + "和" + names[-1]
    return ", ".join(names[:-1]) + " " + _("and") + " " + names[-1]


def date_range(start: date, end: date, language: str) -> str:
    """ "26 to 31 August 2007" / "2007年8月26日至31日" (months and years only when they change)."""
    if is_chinese(language):
        first = f"{start.year}年{start.month}月{start.day}日"
        if start == end:
            return first
        if start.year != end.year:
            return f"{first}至{end.year}年{end.month}月{end.day}日"
        if start.month != end.month:
            return f"{first}至{end.month}月{end.day}日"
        return f"{first}至{end.day}日"

    def day(d: date, *, month=True, year=True) -> str:
        text = str(d.day)
        if month:
            text += f" {calendar.month_name[d.month]}"
        if year:
            text += f" {d.year}"
        return text

    if start == end:
        return day(start)
    if start.year != end.year:
        return f"{day(start)} to {day(end)}"
    if start.month != end.month:
        return f"{day(start, year=False)} to {day(end)}"
    return f"{day(start, month=False, year=False)} to {day(end)}"


def one_date(value: date, language: str) -> str:
    if is_chinese(language):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def place(workshop: Workshop, language: str) -> str:
    """ "Lijiang, Yunnan Province" / "云南省丽江"."""
    city = localised(workshop, "city", language)
    region = localised(workshop, "region", language)
    if is_chinese(language):
        return f"{region}{city}"
    return ", ".join(part for part in (city, region) if part)


# The attending agencies, grouped as the summary groups them.
NATIONAL, PROVINCIAL, INTERNATIONAL = "national", "provincial", "international"


def agency_group(agency: Agency) -> str:
    """International partners (UN and international organisations, or international level),
    provincial delegations (provincial or local level), or national bodies."""
    if agency.kind in (Agency.Kind.UN, Agency.Kind.INTERNATIONAL):
        return INTERNATIONAL
    if agency.level == Agency.Level.INTERNATIONAL:
        return INTERNATIONAL
    if agency.level in (Agency.Level.PROVINCIAL, Agency.Level.LOCAL):
        return PROVINCIAL
    return NATIONAL


def group_headings() -> dict[str, str]:
    return {
        NATIONAL: _("National bodies"),
        PROVINCIAL: _("Provincial delegations"),
        INTERNATIONAL: _("International partners"),
    }


@dataclass(frozen=True)
class TrainerLine:
    name: str  # with honorific
    title: str  # honorific and position, as given
    agency: str
    trainer: Trainer


def trainer_name(trainer: Trainer, language: str) -> str:
    name = localised(trainer, "name", language)
    if is_chinese(language):
        return name
    return f"{trainer.honorific} {name}".strip()


def trainer_sentence(line: TrainerLine, language: str) -> str:
    """How the summary names a trainer: "Deputy Director-General Huang TaiYun from the ...",
    "Prof. Liang ShuYing from the ...", "Tong JiYu, a researcher from the ..."."""
    trainer = line.trainer
    position = trainer.position
    agency = agency_name(trainer.agency, language, article=True) if trainer.agency else ""
    if is_chinese(language):
        return f"{agency}{position} {line.name}" if position else f"{agency}{line.name}"
    if position and position[:1].isupper():
        text = f"{position} {line.name}"
    elif position:
        text = _("%(name)s, a %(position)s") % {"name": line.name, "position": position}
    else:
        text = line.name
    if agency:
        text = _("%(trainer)s from %(agency)s") % {"trainer": text, "agency": agency}
    return text


@dataclass(frozen=True)
class TimetableRow:
    day: str
    time: str
    title: str
    kind: str
    trainers: str
    cancelled: bool
    rate: float | None


@dataclass
class ReportContent:
    """Everything the report shows, in ``language``."""

    language: str
    workshop: Workshop
    title: str
    title_other: str
    dates: str
    place: str
    hosts: list[str]
    partners: list[str]
    funders: list[str]
    overview: str
    sections: list[tuple[str, str]]
    agency_groups: list[tuple[str, list[str]]]
    provinces: list[str]
    trainers: list[TrainerLine]
    topics: list[str]
    timetable: list[TimetableRow]
    figures: statistics.ReportFigures
    provided_by: str
    report_date: str
    version: int
    published: bool
    notes: list[str] = field(default_factory=list)


def roles_of(workshop: Workshop) -> dict[str, list[WorkshopAgency]]:
    """The workshop's agency roles by role, in their order: one query."""
    found: dict[str, list[WorkshopAgency]] = {role: [] for role in Role.values}
    for role in (
        WorkshopAgency.objects.filter(workshop=workshop)
        .select_related("agency")
        .order_by("role", "order", "pk")
    ):
        found[role.role].append(role)
    return found


def trainers_of(sessions: list[Session], language: str) -> list[TrainerLine]:
    """The trainers of the sessions held (not cancelled), in the order they first teach."""
    seen: dict[int, TrainerLine] = {}
    for session in sessions:
        if session.is_cancelled:
            continue
        for trainer in session.trainers.all():
            if trainer.pk not in seen:
                agency = trainer.agency
                seen[trainer.pk] = TrainerLine(
                    name=trainer_name(trainer, language),
                    title=" ".join(p for p in (trainer.honorific, trainer.position) if p),
                    agency=agency_name(agency, language) if agency else "",
                    trainer=trainer,
                )
    return list(seen.values())


def topics_of(sessions: list[Session], language: str) -> list[str]:
    seen: dict[int, str] = {}
    for session in sessions:
        if session.is_cancelled:
            continue
        for topic in session.topics.all():
            seen.setdefault(topic.pk, localised(topic, "name", language))
    return list(seen.values())


def provinces_of(roles: dict[str, list[WorkshopAgency]], language: str) -> list[str]:
    """The provinces the provincial delegations came from: their regions in English; in
    Chinese the delegations' own names (which name the province), regions being English."""
    found: list[str] = []
    for role in roles[Role.ATTENDING]:
        agency = role.agency
        if agency_group(agency) != PROVINCIAL:
            continue
        if is_chinese(language) and agency.name_local:
            name = agency.name_local
        else:
            name = agency.region or agency_name(agency, language)
        if name not in found:
            found.append(name)
    return found


def draft_overview(
    workshop: Workshop,
    language: str,
    *,
    roles: dict[str, list[WorkshopAgency]],
    sessions: list[Session],
    people: statistics.PeopleFigures,
) -> str:
    """The overview written from the data, in ``language`` (see the module's doc)."""
    with translation.override(language):
        return _draft(workshop, language, roles, sessions, people)


def _draft(workshop, language, roles, sessions, people) -> str:
    def names(role: str) -> list[str]:
        return [agency_name(r.agency, language, article=True) for r in roles[role]]

    title = localised(workshop, "title", language)
    values = {
        "hosts": join_names(names(Role.HOST), language),
        "partners": join_names(names(Role.PARTNER), language),
        "title": title,
        "dates": date_range(workshop.start_date, workshop.end_date, language),
        "place": place(workshop, language),
    }
    if values["hosts"] and values["partners"]:
        opening = _(
            "Hosted by %(hosts)s in cooperation with %(partners)s, the %(title)s was held "
            "from %(dates)s in %(place)s."
        )
    elif values["hosts"]:
        opening = _("Hosted by %(hosts)s, the %(title)s was held from %(dates)s in %(place)s.")
    else:
        opening = _("The %(title)s was held from %(dates)s in %(place)s.")
    paragraphs = [opening % values]

    groups = {NATIONAL: [], PROVINCIAL: [], INTERNATIONAL: []}
    for role in roles[Role.ATTENDING]:
        groups[agency_group(role.agency)].append(agency_name(role.agency, language, article=True))
    provinces = provinces_of(roles, language)
    attended = []
    if groups[NATIONAL] and provinces:
        attended.append(
            _(
                "Representatives attending the training came from %(bodies)s, and from the "
                "relevant departments of %(provinces)s."
            )
            % {
                "bodies": join_names(groups[NATIONAL], language),
                "provinces": join_names(provinces, language),
            }
        )
    elif groups[NATIONAL] or groups[PROVINCIAL]:
        attended.append(
            _("Representatives attending the training came from %(bodies)s.")
            % {"bodies": join_names(groups[NATIONAL] + groups[PROVINCIAL], language)}
        )
    if groups[INTERNATIONAL]:
        attended.append(
            _("%(agencies)s also sent personnel to attend the training.")
            % {"agencies": _capital(join_names(groups[INTERNATIONAL], language))}
        )
    if people.total:
        attended.append(
            _("In all, %(count)s participants took part.") % {"count": people.total}
            if people.total >= statistics.min_group()
            else _("Fewer than %(count)s participants took part.")
            % {"count": statistics.min_group()}
        )
    if attended:
        paragraphs.append(" ".join(attended))

    taught = []
    topics = topics_of(sessions, language)
    if topics:
        taught.append(
            _("The training covered %(topics)s.")
            % {"topics": join_names([_lower_first(t, language) for t in topics], language)}
        )
    trainers = trainers_of(sessions, language)
    if trainers:
        taught.append(
            _("The trainers were %(trainers)s.")
            % {
                "trainers": join_names(
                    [trainer_sentence(line, language) for line in trainers], language
                )
            }
        )
    if taught:
        paragraphs.append(" ".join(taught))
    return "\n\n".join(paragraphs)


def _lower_first(text: str, language: str) -> str:
    """ "Prevention" as running English text says it ("prevention"); an acronym or a Chinese
    name is left as it is."""
    if is_chinese(language) or len(text) < 2 or not text[1].islower():
        return text
    return text[:1].lower() + text[1:]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def section_headings() -> dict[str, str]:
    return {
        "objectives": _("Objectives"),
        "discussions": _("Discussions"),
        "conclusions": _("Conclusions"),
        "recommendations": _("Recommendations"),
    }


def report_of(workshop: Workshop) -> Report:
    """The workshop's report, unsaved and empty if the organiser has not written one."""
    try:
        return Report.objects.get(workshop=workshop)
    except Report.DoesNotExist:
        return Report(workshop=workshop)


def report_content(
    workshop: Workshop, language: str, *, now: datetime, report: Report | None = None
) -> ReportContent:
    """The report of ``workshop`` in ``language`` at ``now``. Queries: the report (unless
    given), the agencies' roles, those of ``statistics.report_figures``, and the agency that
    provides the report (if it has one)."""
    report = report if report is not None else report_of(workshop)
    with translation.override(language):
        roles = roles_of(workshop)
        figures = statistics.report_figures(workshop, now=now)
        sessions = [row.session for row in figures.sessions]
        title = localised(workshop, "title", language)
        other = workshop.title if title != workshop.title else workshop.title_local
        overview = report.text("overview", language) or draft_overview(
            workshop, language, roles=roles, sessions=sessions, people=figures.people
        )
        headings = section_headings()
        sections = []
        for name in REPORT_SECTIONS:
            text = report.text(name, language)
            if name == "objectives" and not text:
                text = localised(workshop, "objectives", language)
            if text:
                sections.append((headings[name], text))
        narrative = localised(workshop, "narrative", language)
        if narrative and not report.text("discussions", language):
            sections.insert(min(1, len(sections)), (headings["discussions"], narrative))

        groups: dict[str, list[str]] = {NATIONAL: [], PROVINCIAL: [], INTERNATIONAL: []}
        for role in roles[Role.ATTENDING]:
            group = agency_group(role.agency)
            name = agency_name(role.agency, language)
            if role.note and not is_chinese(language):
                name = f"{name} ({role.note})"
            if name not in groups[group]:
                groups[group].append(name)
        provinces = provinces_of(roles, language)
        group_names = group_headings()
        agency_groups = [(group_names[key], groups[key]) for key in groups if groups[key]]

        kinds = dict(Session.Kind.choices)
        timetable = []
        for row in figures.sessions:
            session = row.session
            start, end = workshop.local(session.starts_at), workshop.local(session.ends_at)
            timetable.append(
                TimetableRow(
                    day=one_date(start.date(), language),
                    time=f"{start:%H:%M}-{end:%H:%M}",
                    title=localised(session, "title", language),
                    kind=str(kinds.get(session.kind, session.kind)),
                    trainers=join_names(
                        [trainer_name(t, language) for t in session.trainers.all()], language
                    ),
                    cancelled=session.is_cancelled,
                    rate=row.rate.rate if row.rate else None,
                )
            )
        provider = workshop.summary_provided_by
        provided_by = agency_name(provider, language, article=True) if provider else ""
        when = workshop.summary_date or (report.published_at or now).date()
        return ReportContent(
            language=language,
            workshop=workshop,
            title=title,
            title_other=other,
            dates=date_range(workshop.start_date, workshop.end_date, language),
            place=full_place(workshop, language),
            hosts=[agency_name(r.agency, language) for r in roles[Role.HOST]],
            partners=[agency_name(r.agency, language) for r in roles[Role.PARTNER]],
            funders=[agency_name(r.agency, language) for r in roles[Role.FUNDER]],
            overview=overview,
            sections=sections,
            agency_groups=agency_groups,
            provinces=provinces,
            trainers=trainers_of(sessions, language),
            topics=topics_of(sessions, language),
            timetable=timetable,
            figures=figures,
            provided_by=provided_by,
            report_date=one_date(when, language),
            version=report.version,
            published=report.is_published,
        )
