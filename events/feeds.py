"""Calendar feeds over HTTP: a workshop's timetable, a trainer's sessions, one session alone.

Calendar programs poll a subscribed feed every few minutes, so every feed answers conditional
requests. A subscribed feed's ETag comes from the version of what it shows (a counter on the
workshop or the trainer, kept by ``events.calendar_versions``), so an unchanged feed answers
304 without reading its sessions, in the same time for 30 sessions as for 3,000; a changed
trainer's name or a deleted session changes it as surely as a moved session. A single
session's download is tagged with a digest of everything it says (``calendar_fingerprint``).
Built bodies are cached under that digest: the same bytes, whoever asks.

The personal feed of a participant is a ``participants`` view that hands that person's
sessions to :func:`calendar_response`.
"""

import hashlib
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import (
    content_disposition_header,
    http_date,
    quote_etag,
    url_has_allowed_host_and_scheme,
)
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from events.calendar import (
    BUILDER_VERSION,
    PRODID,
    calendar_fingerprint,
    event_fields,
    render_calendar,
)
from events.feed_tokens import reissue_trainer_feed, trainers_feed_managed_by
from events.models import Session, Trainer, Workshop
from events.queries import feed_workshops

# A built calendar stays cached for a day; its key changes whenever its content would.
BODY_TIMEOUT = 24 * 60 * 60
# How long to remember when a version of a feed was first served (its Last-Modified).
SEEN_TIMEOUT = 90 * 24 * 60 * 60


class CalendarResponse(HttpResponse):
    """A calendar: ``text/calendar; charset=utf-8`` with a file name.

    ``attachment`` for a download ("save this file"), inline for a subscription URL, which
    calendar programs fetch themselves.
    """

    def __init__(self, content: bytes = b"", *, filename: str, attachment: bool, **kwargs):
        super().__init__(content, content_type="text/calendar; charset=utf-8", **kwargs)
        self.headers["Content-Disposition"] = content_disposition_header(attachment, filename)


def calendar_response(
    request: HttpRequest,
    sessions,
    *,
    name: str,
    filename: str,
    attachment: bool = False,
    private: bool = True,
) -> HttpResponse:
    """Serve ``sessions`` as a calendar, answering 304 when the client's copy is current.

    ``sessions`` as :func:`load_calendar_sessions` gives them (or Session instances with
    what the builder reads). Besides them, only the cache is asked: when this version was
    first served, and, unless the answer is 304, the built body.

    ``private`` feeds (behind a personal link, or a draft shown to its organisers) tell
    shared caches not to keep them, so a revoked link is dead at once.

    Last-Modified is the later of the newest change to the sessions and their workshops, and
    the moment this version (this ETag) was first served: a deleted session or a renamed
    trainer touches no session's ``updated_at``, yet must still count as a modification for
    clients that send only If-Modified-Since.
    """
    sessions = list(sessions)
    rows = event_fields(sessions)
    digest = calendar_fingerprint(rows, name=name)
    etag = quote_etag(digest)
    newest = max(
        (moment for s in sessions for moment in (s.updated_at, s.workshop.updated_at)),
        default=None,
    )
    last_modified = max(_first_served(digest), _timestamp(newest) if newest else 0)
    response, conditional = _headed_response(
        request,
        etag=etag,
        last_modified=last_modified,
        filename=filename,
        attachment=attachment,
        private=private,
    )
    if conditional is not response:
        return conditional
    return _with_body(response, rows, name=name, digest=digest)


def _headed_response(
    request, *, etag: str, last_modified: int, filename: str, attachment: bool, private: bool
) -> tuple[HttpResponse, HttpResponse]:
    """The feed's response without its body, and what a conditional request gets instead
    (the same response when the client's copy is not current)."""
    response = CalendarResponse(filename=filename, attachment=attachment)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    # no-cache: a cache may keep the feed but must ask again each time (cheaply, with the
    # ETag); clients poll, and a change must reach them at their next poll.
    patch_cache_control(response, no_cache=True, **({"private": True} if private else {}))
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    return response, conditional


def _with_body(response: HttpResponse, rows, *, name: str, digest: str) -> HttpResponse:
    """``response`` with the calendar of ``rows``, built once per version whoever asks: the
    cache's key is the digest of the content."""
    body_key = f"calendar:body:{digest}"
    body = cache.get(body_key)
    if body is None:
        body = render_calendar(rows, name=name)
        cache.set(body_key, body, BODY_TIMEOUT)
    response.content = body
    return response


def feed_tag(scope: str, version) -> str:
    """The ETag of a feed: its scope ("w12", "t7", ...), the version of what it shows
    (``events.calendar_versions``), the language it is written in, and this build of the
    calendar code and site address. No query."""
    return f"{scope}.{version}.{get_language() or 'en'}.{_build_key()}"


def _build_key() -> str:
    # What else the bytes depend on: the builder's version and the site's address (URLs).
    text = f"{BUILDER_VERSION}\n{PRODID}\n{settings.SITE_URL}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def versioned_calendar_response(
    request: HttpRequest,
    *,
    tag: str,
    load,
    name: str,
    filename: str,
    changed_at: datetime | None = None,
    attachment: bool = False,
    private: bool = True,
) -> HttpResponse:
    """A feed whose ETag is ``tag`` (:func:`feed_tag`): a conditional request that matches
    is answered 304 before ``load()`` is called, so polling costs the same whatever the
    number of sessions: the caller's look-up (that gave the version) and the first-served
    time, one cache read.

    Otherwise ``load()`` gives the sessions (as :func:`load_calendar_sessions` does) and the
    body is built, or found in the cache under a digest of its content: a change the
    version missed can leave a client with its copy until the next change, never serve
    anyone a stale body. Last-Modified is the later of when this version was first served
    and ``changed_at`` (the workshop's or trainer's own last change).
    """
    last_modified = max(_first_served(tag), _timestamp(changed_at) if changed_at else 0)
    response, conditional = _headed_response(
        request,
        etag=quote_etag(tag),
        last_modified=last_modified,
        filename=filename,
        attachment=attachment,
        private=private,
    )
    if conditional is not response:
        return conditional
    rows = event_fields(list(load()))
    return _with_body(response, rows, name=name, digest=calendar_fingerprint(rows, name=name))


def _first_served(digest: str) -> int:
    """When this version of a feed was first served (a Unix time), remembered in the cache.

    The cache is shared by every application server (a database table), so they agree; if
    the entry is lost, the version counts as new from now, which costs a client one full
    download and never hides a change.
    """
    key = f"calendar:seen:{digest}"
    first = cache.get(key)
    if first is None:
        first = int(timezone.now().timestamp())
        # add(), not set(): of two servers racing on a new version, the first one's time holds.
        if not cache.add(key, first, SEEN_TIMEOUT):
            first = cache.get(key, first)
    return first


def _timestamp(moment: datetime) -> int:
    return timegm(moment.astimezone(UTC).utctimetuple())


def calendar_sessions(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """``queryset`` as Session instances with what the builder reads: three queries.

    For a handful of sessions (an invitation); feeds use :func:`load_calendar_sessions`.
    """
    return queryset.select_related("workshop", "room").prefetch_related(
        Prefetch("trainers", queryset=Trainer.objects.select_related("agency")),
        "topics",
    )


@dataclass(slots=True)
class _Workshop:
    pk: int
    slug: str
    title: str
    timezone: str
    status: str
    venue: str
    city: str
    updated_at: datetime


@dataclass(slots=True)
class _Room:
    name: str
    venue: str
    city: str


@dataclass(slots=True)
class _Agency:
    name: str
    acronym: str


@dataclass(slots=True)
class _Trainer:
    pk: int
    name: str
    name_local: str
    honorific: str
    position: str
    agency: _Agency | None


@dataclass(slots=True)
class _Topic:
    name: str


@dataclass(slots=True)
class CalendarSession:
    """A session as the calendar builder reads it, without a model instance's weight."""

    pk: int
    uid: str
    title: str
    title_local: str
    kind: str
    description: str
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int
    updated_at: datetime
    workshop: _Workshop
    room: _Room | None
    trainers: list[_Trainer] = field(default_factory=list)
    topics: list[_Topic] = field(default_factory=list)


_SESSION_COLUMNS = (
    "pk",
    "uid",
    "title",
    "title_local",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "status",
    "sequence",
    "updated_at",
)
_WORKSHOP_COLUMNS = ("slug", "title", "timezone", "status", "venue", "city", "updated_at")
_ROOM_COLUMNS = ("name", "venue", "city")


def load_calendar_sessions(queryset: QuerySet[Session]) -> list[CalendarSession]:
    """The sessions of ``queryset``, in its order, as the builder reads them. Three queries.

    The sessions with their workshop's and room's columns; then the trainers (with their
    agency) and the topics of those sessions, each through a subquery of ``queryset``
    rather than a list of thousands of ids. Only the columns a calendar shows, as tuples:
    a feed of 3,000 sessions would otherwise spend more time making model instances than
    icalendar spends writing the calendar.
    """
    columns = (
        *_SESSION_COLUMNS,
        "workshop_id",
        *(f"workshop__{c}" for c in _WORKSHOP_COLUMNS),
        "room_id",
        *(f"room__{c}" for c in _ROOM_COLUMNS),
    )
    n_session, n_workshop = len(_SESSION_COLUMNS), len(_WORKSHOP_COLUMNS) + 1
    workshops: dict[int, _Workshop] = {}
    rooms: dict[int, _Room] = {}
    sessions: dict[int, CalendarSession] = {}
    for row in queryset.values_list(*columns):
        workshop_id = row[n_session]
        workshop = workshops.get(workshop_id)
        if workshop is None:
            workshop = workshops[workshop_id] = _Workshop(
                workshop_id, *row[n_session + 1 : n_session + n_workshop]
            )
        room_id = row[n_session + n_workshop]
        room = None
        if room_id is not None:
            room = rooms.get(room_id)
            if room is None:
                room = rooms[room_id] = _Room(*row[n_session + n_workshop + 1 :])
        sessions[row[0]] = CalendarSession(*row[:n_session], workshop=workshop, room=room)
    if not sessions:
        return []

    chosen = queryset.values("pk")
    trainers: dict[int, _Trainer] = {}
    for session_id, trainer_id, *person, agency_name, acronym in (
        Session.trainers.through.objects.filter(session__in=chosen)
        .order_by("trainer__name", "trainer_id")
        .values_list(
            "session_id",
            "trainer_id",
            "trainer__name",
            "trainer__name_local",
            "trainer__honorific",
            "trainer__position",
            "trainer__agency__name",
            "trainer__agency__acronym",
        )
    ):
        trainer = trainers.get(trainer_id)
        if trainer is None:
            agency = _Agency(agency_name, acronym) if agency_name is not None else None
            trainer = trainers[trainer_id] = _Trainer(trainer_id, *person, agency)
        session = sessions.get(session_id)
        if session is not None:  # added between the two queries: next time
            session.trainers.append(trainer)

    topics: dict[int, _Topic] = {}
    for session_id, topic_id, name in (
        Session.topics.through.objects.filter(session__in=chosen)
        .order_by("topic__name", "topic_id")
        .values_list("session_id", "topic_id", "topic__name")
    ):
        topic = topics.get(topic_id)
        if topic is None:
            topic = topics[topic_id] = _Topic(name)
        session = sessions.get(session_id)
        if session is not None:
            session.topics.append(topic)
    return list(sessions.values())


def _wants_download(request: HttpRequest) -> bool:
    return "download" in request.GET


# --- feeds --------------------------------------------------------------------------------


@require_safe
def workshop_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The workshop's whole timetable. Queries: the workshop (with its calendar version),
    the first-served time; unless the answer is 304, its sessions (three) and the body."""
    workshop = get_object_or_404(feed_workshops(request.user), slug=slug)
    return versioned_calendar_response(
        request,
        tag=feed_tag(f"w{workshop.pk}", workshop.calendar_version),
        load=lambda: load_calendar_sessions(workshop.sessions.all()),
        name=workshop.title,
        filename=f"{workshop.slug}.ics",
        changed_at=workshop.updated_at,
        attachment=_wants_download(request),
        private=workshop.status == Workshop.Status.DRAFT,
    )


@require_safe
def session_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One session, to download. Queries: the session with its workshop, trainers, topics."""
    found = load_calendar_sessions(
        Session.objects.filter(
            pk=pk, workshop__slug=slug, workshop__in=feed_workshops(request.user)
        )
    )
    if not found:
        raise Http404
    session = found[0]
    workshop = session.workshop
    return calendar_response(
        request,
        [session],
        name=f"{workshop.title}: {session.title}",
        filename=f"{workshop.slug}-{slugify(session.title) or session.pk}.ics",
        attachment=True,
        private=workshop.status == Workshop.Status.DRAFT,
    )


@require_safe
def trainer_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A trainer's sessions in every workshop but drafts, behind the trainer's secret link.

    Queries: the trainer by token (with its calendar version), the first-served time; unless
    the answer is 304, the sessions (three) and the body. A replaced token finds no
    trainer: 404 at once.
    """
    trainer = get_object_or_404(Trainer, feed_token=token)
    return versioned_calendar_response(
        request,
        tag=feed_tag(f"t{trainer.pk}", trainer.calendar_version),
        load=lambda: load_calendar_sessions(
            trainer.sessions.exclude(workshop__status=Workshop.Status.DRAFT).order_by(
                "starts_at", "ends_at", "pk"
            )
        ),
        name=_("%(trainer)s: teaching") % {"trainer": trainer},
        filename=f"{slugify(trainer.name) or 'trainer'}.ics",
        changed_at=trainer.updated_at,
        attachment=_wants_download(request),
    )


# --- organisers replace a trainer's link --------------------------------------------------


@login_required
@require_POST
def trainer_feed_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the trainer's calendar link; the old one answers 404 from now on.

    Allowed for an organiser of a workshop the trainer teaches in, and for superusers;
    anyone else gets 404, as if the trainer did not exist.
    """
    trainer = get_object_or_404(trainers_feed_managed_by(request.user), pk=pk)
    reissue_trainer_feed(trainer=trainer)
    messages.success(
        request,
        _("%(trainer)s has a new calendar link; the old link no longer works.")
        % {"trainer": trainer},
    )
    return redirect(back_to(request, "events:trainer_detail", pk=trainer.pk))


def back_to(request: HttpRequest, name: str, **kwargs) -> str:
    """Where a POST sends the organiser back to: a safe ``next``, else the named page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(name, kwargs=kwargs)
