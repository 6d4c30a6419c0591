"""``manage.py import_data FILE``: an export into an empty, migrated database, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from backups.exchange import ExchangeError, import_data, read_export


class Command(BaseCommand):
    help = "Import a file written by export_data into an empty database (checked, then atomic)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file export_data wrote.")
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, file=None, database="default", **options):
        try:
            imported = import_data(read_export(file), using=database)
        except ExchangeError as error:
            raise CommandError(error.message) from None
        total = sum(imported.counts.values())
        self.stdout.write(f"Imported {total} rows from {file}.")
