"""``manage.py export_data [--workshop SLUG] --output FILE``: everything, or one workshop."""

from django.core.management.base import BaseCommand, CommandError

from backups.exchange import ExchangeError, write_export


class Command(BaseCommand):
    help = "Export the site's data (or one workshop's) to a JSON file import_data reads."

    def add_arguments(self, parser):
        parser.add_argument("--workshop", help="Only this workshop (its short name in links).")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, workshop=None, output=None, **options):
        try:
            counts = write_export(output, workshop=workshop)
        except ExchangeError as error:
            raise CommandError(error.message) from None
        total = sum(counts.values())
        self.stdout.write(f"Exported {total} rows to {output}:")
        for label, count in counts.items():
            if count:
                self.stdout.write(f"  {label}: {count}")
