"""Move sealed anonymous answers into the results: by batches for open questionnaires, all
of them for closed ones (see feedback/anonymity.py)."""

from django.core.management.base import BaseCommand

from feedback import anonymity


class Command(BaseCommand):
    help = "Move waiting anonymous answers into the results."

    def handle(self, *args, **options):
        flushed = anonymity.flush_due()
        self.stdout.write(f"{sum(flushed.values())} sealed responses moved to the results.")
