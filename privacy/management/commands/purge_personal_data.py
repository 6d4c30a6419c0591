"""Delete the contact data of workshops past their retention period: run it daily.

``--dry-run`` says what it would delete and writes nothing.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.context import acting
from privacy.services import purge_personal_data


class Command(BaseCommand):
    help = "Delete participants' contact data of workshops past their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with acting(via="command:purge_personal_data"):
            done = purge_personal_data(now=timezone.now(), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for purge in done:
            self.stdout.write(
                f"{purge.workshop.slug} (kept until {purge.kept_until}): {verb} "
                f"{purge.emails} e-mail address(es) and {purge.phones} phone number(s) "
                f"of {purge.registrations} registration(s)"
            )
        if not done:
            self.stdout.write("No workshop is past its retention period.")
