"""The demo, loaded once per test session and put back row for row in each test that uses it.

``load_demo`` on an empty database is about 5,100 queries (2.5-4 s); some forty tests read
the loaded demo, so loading it for each was most of tests/reports' time. The session loads
it once inside a transaction it rolls back, keeping every row it wrote; a test gets those
rows back with one insert per table (about 0.1 s), the same values and keys.

Tests that are about loading the demo (twice, on a fresh database, with other data) still
call ``load_demo`` themselves. ``take_snapshot`` keeps what any other builder writes the same
way (tests/test_admin.py: the rows its query-count tests open, built once per size).
"""

from dataclasses import dataclass, replace

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import override_settings

from events.models import Workshop
from reports.demo import load_demo
from reports.demo.loader import DemoSummary

# What every test hashes with (tests/conftest.py fast_password_hasher), so that the demo's
# accounts are stored as a test that loads the demo itself would store them.
TEST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _RollBack(Exception):
    """Leaves the loading transaction without keeping anything."""


@dataclass(frozen=True)
class DemoSnapshot:
    inserted: list[tuple[type[Model], list[dict]]]
    # Rows the demo refers to but did not write (content types, for the audit trail): by
    # natural key, since a transactional test's flush makes them again under new keys.
    # (model, column, model referred to, {key then: natural key})
    references: list[tuple[type[Model], str, type[Model], dict]]
    # What the loader returned (``load_demo``'s summary).
    summary: DemoSummary

    def __reduce__(self):
        # Models by label: the auto-created through models (Workshop_organisers) cannot be
        # pickled as classes (tests/conftest.py hands a snapshot from one xdist worker to
        # the other).
        return (
            _snapshot_from_labels,
            (
                [(model._meta.label, rows) for model, rows in self.inserted],
                [
                    (model._meta.label, column, target._meta.label, keys)
                    for model, column, target, keys in self.references
                ],
                self.summary,
            ),
        )

    def restore(self) -> DemoSummary:
        """Write the demo's rows into the test database, which must hold none of the demo's
        tables' rows yet; the summary that ``load_demo`` returned, its workshops read again."""
        self.restore_rows()
        return replace(
            self.summary,
            workshop=Workshop.objects.get(pk=self.summary.workshop.pk),
            next_edition=Workshop.objects.get(pk=self.summary.next_edition.pk),
        )

    def restore_rows(self) -> None:
        """Write the rows the loader wrote into the test database, which must hold none of
        their tables' rows yet (a key taken already is refused)."""
        now = {}
        for model, column, target, natural_keys in self.references:
            by_key = {row.natural_key(): row.pk for row in target._base_manager.all()}
            now[model, column] = {old: by_key[key] for old, key in natural_keys.items()}
        with transaction.atomic():
            for model, rows in self.inserted:
                moved = {column: keys for (m, column), keys in now.items() if m is model}
                if moved:
                    rows = [
                        {**row, **{c: keys.get(row[c], row[c]) for c, keys in moved.items()}}
                        for row in rows
                    ]
                _insert_as_they_were(model, rows)
        # Keys were written explicitly: PostgreSQL's sequences must move past them (SQLite's
        # AUTOINCREMENT counters follow by themselves and this is empty there).
        statements = connection.ops.sequence_reset_sql(
            no_style(), [model for model, _rows in self.inserted]
        )
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def _snapshot_from_labels(inserted, references, summary) -> DemoSnapshot:
    return DemoSnapshot(
        inserted=[(apps.get_model(label), rows) for label, rows in inserted],
        references=[
            (apps.get_model(label), column, apps.get_model(target), keys)
            for label, column, target, keys in references
        ],
        summary=summary,
    )


def _insert_as_they_were(model: type[Model], rows: list[dict]) -> None:
    """Insert ``rows`` with every column as given: ``raw`` skips each field's ``pre_save``,
    which would stamp ``auto_now``/``auto_now_add`` columns with today (``bulk_create``
    does), where the demo dated them in 2007."""
    fields = list(model._meta.concrete_fields)
    objs = [model(**row) for row in rows]
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)


def _tables() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model: type[Model]) -> dict:
    fields = [field.attname for field in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.order_by("pk").values(*fields)}


def take_snapshot(load=load_demo) -> DemoSnapshot:
    """Run ``load`` (the demo's loader unless told) in a transaction that is rolled back,
    keeping what it wrote and what it returned."""
    tables = _tables()
    inserted, references = [], []
    try:
        with transaction.atomic(), override_settings(PASSWORD_HASHERS=TEST_HASHERS):
            before = {model: _rows(model) for model in tables}
            summary = load()
            for model in tables:
                after = _rows(model)
                if any(after.get(pk) != row for pk, row in before[model].items()):
                    raise RuntimeError(
                        f"{load.__name__} changed or deleted {model._meta.label} rows it did not "
                        "write; tests/demo_snapshot.py only puts back rows it inserted."
                    )
                new = [row for pk, row in after.items() if pk not in before[model]]
                if new:
                    inserted.append((model, new))
            for model, rows in inserted:
                references += _references_to_older_rows(model, rows, before)
            raise _RollBack
    except _RollBack:
        pass
    return DemoSnapshot(inserted=inserted, references=references, summary=summary)


def _references_to_older_rows(model, rows, before) -> list[tuple]:
    """The foreign keys of ``rows`` that point at rows the demo did not write, with those
    rows' natural keys."""
    found = []
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        target = field.related_model
        older = {row[field.attname] for row in rows} & before.get(target, {}).keys()
        if older:
            natural_keys = {
                row.pk: row.natural_key() for row in target._base_manager.filter(pk__in=older)
            }
            found.append((model, field.attname, target, natural_keys))
    return found
