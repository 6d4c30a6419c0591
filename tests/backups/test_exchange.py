"""Backups: export_data and import_data, SQLite -> PostgreSQL -> SQLite, nothing lost."""

import ast
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.context import acting
from backups.exchange import ExchangeError, export_data, import_data, read_export
from events.models import Workshop
from participants.models import Registration
from privacy.services import erase_registration
from reports.documents import DOCUMENTS
from reports.models import Certificate
from tests import factories
from tests.backups.snapshot import snapshot

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get(
    "ROUNDTRIP_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/wt_production"
)


def _environment(database_url: str) -> dict:
    return dict(os.environ, DATABASE_URL=database_url, ENV_FILE="", ALLOWED_HOSTS="testserver")


def _run(*argv, database_url: str, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=_environment(database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def _project_file(module: str) -> Path | None:
    file = getattr(sys.modules.get(module), "__file__", None)
    if file and Path(file).resolve().is_relative_to(ROOT) and ".venv" not in Path(file).parts:
        return Path(file)
    return None


def _imported(source: Path):
    for node in ast.walk(ast.parse(source.read_bytes())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _migrations_key() -> str:
    """What a migrated empty database depends on: every migration file of every app, the
    project's modules they import, and those modules' own imports in turn (events.constraints
    hands on config.constraints, which writes some of the schema), and Django's version (its
    schema editor writes the rest)."""
    import django
    from django.db.migrations.loader import MigrationLoader

    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    digest = hashlib.sha256(django.get_version().encode())
    files = [Path(sys.modules[migrations[key].__module__].__file__) for key in sorted(migrations)]
    seen = set(files)
    for source in files:  # grows as it goes: each project module is read once
        digest.update(str(source.relative_to(ROOT)).encode())
        digest.update(source.read_bytes())
        for module in sorted(set(_imported(source))):
            file = _project_file(module)
            if file is not None and file not in seen:
                seen.add(file)
                files.append(file)
    return digest.hexdigest()[:16]


def _migrate(database_urls) -> None:
    """``manage.py migrate`` on each empty database, all at once."""
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=_environment(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url in database_urls
    ]
    try:
        for process in processes:
            _out, errors = process.communicate(timeout=600)
            assert process.returncode == 0, errors[-3000:]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.fixture
def migrated_empty(tmp_path):
    """An empty database just migrated, as an import wants it: copies of databases that
    ``manage.py migrate`` made, kept between runs for the same migrations (a SQLite file
    beside the test database, a PostgreSQL template database), so that the round trip
    migrates no database when they exist (two migrations were ~9 s of its CPU).

    Gives ``make(postgres_name=None)``: a new SQLite file's URL, or with ``postgres_name``
    that database created on the PostgreSQL server as a copy of the template."""
    key = _migrations_key()
    sqlite_template = ROOT / f".test-db.sqlite3-migrated-{key}"
    pg_template = f"{POSTGRES.rsplit('/', 1)[1]}_migrated_{key}"

    def make(postgres_name: str | None = None) -> str:
        if postgres_name is None:
            if not sqlite_template.exists():
                fresh = tmp_path / "migrated.sqlite3"
                _migrate([f"sqlite:///{fresh}"])
                # Another copy, so the template is whole in one file (no WAL beside it);
                # renamed into place so that a run never sees it half written.
                partial = sqlite_template.with_name(f"{sqlite_template.name}.{os.getpid()}")
                with sqlite3.connect(fresh) as source, sqlite3.connect(partial) as copy:
                    source.backup(copy)
                os.replace(partial, sqlite_template)
                # Other migrations' templates go; another run's partial of this one stays.
                for old in ROOT.glob(".test-db.sqlite3-migrated-*"):
                    if not old.name.startswith(sqlite_template.name):
                        old.unlink(missing_ok=True)
            path = tmp_path / f"empty-{len(list(tmp_path.glob('empty-*')))}.sqlite3"
            shutil.copyfile(sqlite_template, path)
            return f"sqlite:///{path}"
        return _postgres_copy(pg_template, postgres_name)

    return make


def _postgres_admin():
    psycopg = pytest.importorskip("psycopg")
    server = POSTGRES.rsplit("/", 1)[0]
    try:
        return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server")


def _postgres_copy(template: str, name: str) -> str:
    """``name`` on the PostgreSQL server, a copy of ``template`` (made first if missing:
    migrated under a name of this process's, then renamed, so that no run copies it half
    migrated)."""
    from psycopg import errors, sql

    server = POSTGRES.rsplit("/", 1)[0]
    with _postgres_admin() as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if found.fetchone() is None:
            partial = f"{template}_{os.getpid()}"
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(partial))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(partial)))
            try:
                _migrate([f"{server}/{partial}"])
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(partial), sql.Identifier(template)
                    )
                )
            except BaseException as error:  # failed, or another run made it meanwhile
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(partial)
                    )
                )
                if not isinstance(error, errors.DuplicateDatabase):
                    raise
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return f"{server}/{name}"


@pytest.fixture
def scratch_postgres(migrated_empty):
    """A database of this test's own on the PostgreSQL server, migrated and empty, dropped
    afterwards."""
    from psycopg import sql

    name = f"{POSTGRES.rsplit('/', 1)[1]}_roundtrip_{os.getpid()}"
    url = migrated_empty(postgres_name=name)
    yield url
    with _postgres_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def demo(loaded_demo, make_user):
    """The demo workshop (sessions, people, attendance, questionnaires, certificates) and a
    second workshop with an erased person and an audit trail."""
    workshop = loaded_demo.workshop
    # Building the certificates issues them (reports.certificates): some to restore.
    DOCUMENTS["certificates"].build(workshop, "en", "pdf")
    assert Certificate.objects.exists()
    keeper = make_user("keeper")
    other = Workshop.objects.create(
        title="Second",
        slug="second",
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        timezone="Asia/Shanghai",
    )
    other.organisers.add(keeper)
    with acting(actor=keeper, via="organiser"):
        registration = factories.registration(other, "Wang Fang", phone="+86 1")
        erase_registration(registration=registration, by=keeper)
    return workshop


@pytest.mark.django_db(transaction=True)
def test_round_trip_sqlite_postgresql_sqlite_keeps_figures_documents_and_links(
    demo, scratch_postgres, migrated_empty, tmp_path
):
    back = migrated_empty()
    before = snapshot()
    assert before["counts"]["participants.Registration"] > 50
    assert any(before["documents"].values())
    assert all(page == [200, True, 200] for page in before["personal_pages"][:10])
    first = tmp_path / "from-sqlite.json"
    call_command("export_data", "--output", str(first), stdout=io.StringIO())

    _run("manage.py", "import_data", str(first), database_url=scratch_postgres)
    on_postgres = json.loads(
        _run("-m", "tests.backups.snapshot", database_url=scratch_postgres).stdout
    )
    assert on_postgres["counts"] == before["counts"]
    assert on_postgres == before
    # New rows after an import get new keys (the sequences were moved past the imported);
    # the row is deleted again in the same process (one start-up of Django, not two).
    created = _run(
        "manage.py",
        "shell",
        "-c",
        "from events.models import Agency; new = Agency.objects.create(name='New one'); "
        "print(new.pk); new.delete()",
        database_url=scratch_postgres,
    )
    assert int(created.stdout.split()[-1]) > before["counts"]["events.Agency"]

    second = tmp_path / "from-postgres.json"
    _run("manage.py", "export_data", "--output", str(second), database_url=scratch_postgres)
    _run("manage.py", "import_data", str(second), database_url=back)
    assert json.loads(_run("-m", "tests.backups.snapshot", database_url=back).stdout) == before
    assert read_export(second)["counts"] == read_export(first)["counts"]


@pytest.mark.django_db
def test_one_workshop_alone_with_what_it_refers_to(demo):
    data = export_data(workshop="second")
    assert data["counts"]["events.Workshop"] == 1
    assert data["counts"]["participants.Registration"] == 1
    labels = {row["model"] for row in data["objects"]}
    assert "auditlog.logentry" in labels
    # Another workshop's people are not in it.
    names = {
        row["fields"].get("name")
        for row in data["objects"]
        if row["model"] == "participants.registration"
    }
    assert names == {f"Erased participant {Registration.objects.get(workshop__slug='second').pk}"}
    with pytest.raises(ExchangeError, match="No workshop has the short name “nope”"):
        export_data(workshop="nope")


@pytest.mark.django_db
def test_import_refuses_a_database_that_is_not_empty_and_writes_nothing(demo, tmp_path):
    path = tmp_path / "export.json"
    call_command("export_data", "--output", str(path), stdout=io.StringIO())
    registrations = Registration.objects.count()
    with pytest.raises(CommandError, match="The database is not empty: it has"):
        call_command("import_data", str(path))
    assert Registration.objects.count() == registrations


def test_import_refuses_a_file_that_is_not_an_export(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ExchangeError, match="is not an export of this site"):
        read_export(path)
    path.write_text("not json")
    with pytest.raises(ExchangeError, match="Cannot read"):
        read_export(path)


@pytest.mark.django_db
def test_import_checks_the_whole_file_before_writing(tmp_path):
    data = {
        "format": "workshops-export",
        "version": 1,
        "objects": [
            {"model": "events.agency", "pk": 1, "fields": {"name": "UNICEF"}},
            {"model": "sessions.session", "pk": "x", "fields": {}},
        ],
    }
    with pytest.raises(ExchangeError, match=r"Object 2: “sessions\.session” is not a model"):
        import_data(data)
    bad_field = {
        "format": "workshops-export",
        "version": 1,
        "objects": [
            {"model": "events.agency", "pk": 1, "fields": {"name": "UNICEF"}},
            {
                "model": "events.workshop",
                "pk": 1,
                "fields": {"title": "T", "start_date": "not a date"},
            },
        ],
    }
    with pytest.raises(ExchangeError, match="does not fit"):
        import_data(bad_field)
    from events.models import Agency

    assert not Agency.objects.exists()


def test_every_model_is_exported_or_left_out_on_purpose():
    from django.apps import apps

    from backups.exchange import MODELS, NOT_EXPORTED

    every = {m._meta.label for m in apps.get_models()}
    assert every - set(MODELS) - set(NOT_EXPORTED) == set()
    assert set(MODELS) & set(NOT_EXPORTED) == set()
