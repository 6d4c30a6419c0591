"""``manage.py build_document KIND WORKSHOP_SLUG --language en|zh-hans --output FILE``: any
document of a workshop, built as the organisers' pages build it (``reports.documents``).

Documents of many workshops (``programme``, ``programme-participants``) take no workshop but
``--funder`` (an agency's acronym, English name or id), ``--programme`` (its name or id),
``--from`` and ``--to`` (YYYY-MM-DD), each optional, narrowing the workshops covered.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.dateparse import parse_date

from events.models import Agency, Programme, Workshop
from reports.documents import DOCUMENTS
from reports.programme import Selection


def _one(model, value: str, option: str, fields: tuple[str, ...]):
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__iexact": value})
    if value.isdigit():
        query |= Q(pk=int(value))
    found = list(model.objects.filter(query)[:2])
    if len(found) != 1:
        what = "matches several" if found else "matches none"
        raise CommandError(f"{option}: “{value}” {what}; give its id or its exact name.")
    return found[0]


def _date(value: str | None, option: str):
    if value is None:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(f"{option}: “{value}” is not a date written YYYY-MM-DD.")
    return parsed


class Command(BaseCommand):
    help = "Build a workshop's document: " + "; ".join(
        f"{kind} ({', '.join(document.formats)}): {document.description}"
        for kind, document in DOCUMENTS.items()
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(DOCUMENTS), help="which document")
        parser.add_argument(
            "workshop",
            nargs="?",
            help="the workshop's short name in links (its slug); none for programme documents",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the document's language (default: the workshop's main language, or en)",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="the file to write; its extension chooses the format where there are several",
        )
        parser.add_argument("--funder", help="programme documents: the funding agency")
        parser.add_argument("--programme", help="programme documents: the programme")
        parser.add_argument("--from", dest="start", help="programme documents: from YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="programme documents: to YYYY-MM-DD")

    def handle(self, *args, kind, workshop, language, output, **options):
        document = DOCUMENTS[kind]
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in document.formats:
            raise CommandError(
                f"--output: a {kind} document is written as "
                + ", ".join(f".{name}" for name in document.formats)
                + f", not “{path.suffix or '(no extension)'}”."
            )
        if document.scope == "programme":
            if workshop:
                raise CommandError(
                    f"A {kind} document covers many workshops: give --funder, --programme, "
                    "--from or --to instead of a workshop."
                )
            start = _date(options["start"], "--from")
            end = _date(options["end"], "--to")
            if start and end and end < start:
                raise CommandError("--to: the period must end on or after --from.")
            selection = Selection(
                funder=_one(Agency, options["funder"], "--funder", ("acronym", "name"))
                if options["funder"]
                else None,
                programme=_one(Programme, options["programme"], "--programme", ("name",))
                if options["programme"]
                else None,
                start=start,
                end=end,
            )
            content = document.build(selection, language or "en", fmt)
        else:
            if not workshop:
                raise CommandError(f"A {kind} document needs the workshop's short name.")
            try:
                found = Workshop.objects.get(slug=workshop)
            except Workshop.DoesNotExist:
                raise CommandError(f"No workshop has the short name “{workshop}”.") from None
            content = document.build(found, language or found.language, fmt)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"--output: cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path} ({len(content):,} bytes).")
