from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo import load_demo
from reports.demo.loader import DemoAccountTaken


class Command(BaseCommand):
    help = (
        "Load the National Anti-Trafficking Workshop (Lijiang, 26 to 31 August 2007) with sample "
        "participants, attendance and feedback, and the demo logins. Running it again changes "
        "nothing. Refuses with DEBUG off (the logins' passwords are public) unless given "
        "--i-know-this-is-public; never changes an account it did not create."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-public",
            action="store_true",
            dest="public",
            help="Load it with DEBUG off too, knowing that anyone may sign in with its logins.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["public"]:
            raise CommandError(
                "DEBUG is off: this may be a server others can reach, and the demo's logins "
                "have public passwords. Run it with DEBUG=true, or add --i-know-this-is-public."
            )
        try:
            load_demo(stdout=self.stdout if options["verbosity"] > 0 else None)
        except DemoAccountTaken as taken:
            raise CommandError(str(taken)) from None
