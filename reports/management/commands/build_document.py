"""``manage.py build_document KIND WORKSHOP_SLUG --language en|zh-hans --output FILE``: any
document of a workshop, built as the organisers' pages build it (``reports.documents``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.models import Workshop
from reports.documents import DOCUMENTS


class Command(BaseCommand):
    help = "Build a workshop's document: " + "; ".join(
        f"{kind} ({', '.join(document.formats)}): {document.description}"
        for kind, document in DOCUMENTS.items()
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(DOCUMENTS), help="which document")
        parser.add_argument("workshop", help="the workshop's short name in links (its slug)")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the document's language (default: the workshop's main language)",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="the file to write; its extension chooses the format where there are several",
        )

    def handle(self, *args, kind, workshop, language, output, **options):
        document = DOCUMENTS[kind]
        try:
            found = Workshop.objects.get(slug=workshop)
        except Workshop.DoesNotExist:
            raise CommandError(f"No workshop has the short name “{workshop}”.") from None
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in document.formats:
            raise CommandError(
                f"--output: a {kind} document is written as "
                + ", ".join(f".{name}" for name in document.formats)
                + f", not “{path.suffix or '(no extension)'}”."
            )
        content = document.build(found, language or found.language, fmt)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"--output: cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path} ({len(content):,} bytes).")
