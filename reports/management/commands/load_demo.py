from django.core.management.base import BaseCommand

from reports.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the National Anti-Trafficking Workshop (Lijiang, 26 to 31 August 2007) with sample "
        "participants, attendance and feedback, and the demo logins. Running it again changes "
        "nothing."
    )

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout if options["verbosity"] > 0 else None)
