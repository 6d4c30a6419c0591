"""Fixed personas and small builders shared by every test folder.

The personas: ``organiser`` (organises ``workshop``), ``other_organiser`` (organises another
workshop only), ``funder`` (staff of the agency funding ``workshop``), ``participant`` (a
confirmed registration in ``workshop``, reached by its secret link) and the anonymous
stranger, who is simply the unauthenticated ``client``.
"""

import threading
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation

from events.models import Agency, AgencyMember, Trainer, WorkshopAgency
from participants.models import Registration
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, *, month: int = 8, year: int = 2007, tz=SHANGHAI):
    """An aware datetime in August 2007, Lijiang time unless told otherwise."""
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def ahead(days: int, hour: int, minute: int = 0) -> datetime:
    """A moment ``days`` from today, Lijiang time: for a workshop still to come (open to
    registration, cancellable)."""
    day = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def at_once(calls, *, together: bool = True, timeout: float = 60) -> list:
    """What each of ``calls`` returned, each run in a thread of its own: released at the same
    moment by a barrier (unless not ``together``: they order themselves), each thread's
    database connection closed when it ends, all awaited up to ``timeout`` seconds."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            if together:
                barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


@contextmanager
def refused_by(constraint: str):
    """Expect the database to refuse what the block writes, naming ``constraint``.

    PostgreSQL names every constraint it enforces; SQLite names check constraints and
    unique indexes on expressions, but reports a plain unique constraint by its columns, so
    there only the refusal is asserted. A savepoint lets the test go on writing afterwards.
    """
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        yield
    message = str(refusal.value)
    by_columns = connection.vendor == "sqlite" and message.startswith("UNIQUE constraint failed: ")
    if not by_columns or "index '" in message:
        assert constraint in message, message


def refusals(validate) -> dict[str, list[tuple[str, str | None]]]:
    """What ``validate`` (``instance.full_clean`` or ``.validate_constraints``) refuses: per
    field (``__all__`` for the whole object), each message with its code."""
    with pytest.raises(ValidationError) as refusal:
        validate()
    return {
        field: [(error.messages[0], error.code) for error in errors]
        for field, errors in refusal.value.error_dict.items()
    }


def assert_refused_in_both_languages(validate, field: str, code: str, english: str, chinese: str):
    """``validate`` refuses ``field`` alone, with ``code``: saying ``english``, and ``chinese``
    when the site speaks Chinese."""
    assert refusals(validate) == {field: [(english, code)]}
    with translation.override("zh-hans"):
        assert refusals(validate) == {field: [(chinese, code)]}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Every test hashes with MD5: the default PBKDF2 costs ~0.2 s per user made or signed in,
    which is most of a persona-heavy test's time. tests/config/test_signin.py checks that the
    site itself is configured with a slow, salted hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def language_of_the_site():
    """Each test starts in the site's language: a request in Chinese leaves Chinese active in
    its thread (LocaleMiddleware never deactivates), which a later test would inherit."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def empty_caches(db):
    """Every cache emptied before the test: the rate limiter counts in the database cache,
    a table that outlives a test's transaction when transactional tests ran before."""
    for each in caches.all():
        each.clear()


@pytest.fixture
def make_workshop(db):
    return factories.workshop


@pytest.fixture
def make_session(db):
    return factories.session


@pytest.fixture
def make_user(db):
    return factories.user


@pytest.fixture
def workshop(make_workshop):
    return make_workshop(title="National Anti-Trafficking Workshop")


@pytest.fixture
def organiser(make_user, workshop):
    user = make_user("organiser")
    workshop.organisers.add(user)
    return user


@pytest.fixture
def other_organiser(make_user, make_workshop):
    user = make_user("other-organiser")
    make_workshop(title="Another Workshop", slug="another").organisers.add(user)
    return user


@pytest.fixture
def funder_agency(workshop):
    agency = Agency.objects.create(name="Funding Agency", kind=Agency.Kind.UN)
    WorkshopAgency.objects.create(workshop=workshop, agency=agency, role=WorkshopAgency.Role.FUNDER)
    return agency


@pytest.fixture
def funder(make_user, funder_agency):
    user = make_user("funder")
    AgencyMember.objects.create(user=user, agency=funder_agency)
    return user


@pytest.fixture
def huang(db):
    """A trainer without an honorific, whom the clash tests book twice."""
    return Trainer.objects.create(name="Huang TaiYun", position="Deputy Director-General")


@pytest.fixture
def participant_registration(workshop):
    return factories.registration(
        workshop,
        "Li Mei",
        name_local="李梅",
        gender=Registration.Gender.FEMALE,
        email="li.mei@example.org",
    )


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo's rows, loaded once per session (tests/demo_snapshot.py)."""
    from tests.demo_snapshot import take_snapshot

    with django_db_blocker.unblock():
        return take_snapshot()


@pytest.fixture
def loaded_demo(db, demo_snapshot):
    """The demo, as ``load_demo()`` on this test's empty database leaves it; its summary."""
    return demo_snapshot.restore()
