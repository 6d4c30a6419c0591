"""For a daily timer: e-mail the link of every open questionnaire whose workshop has reached
its last day (once), a reminder two days later to those who have not answered (once), and
move waiting anonymous answers into the results (all of them for closed questionnaires)."""

from django.core.management.base import BaseCommand

from feedback import anonymity, services


class Command(BaseCommand):
    help = "Send feedback invitations and reminders that are due, and flush sealed answers."

    def handle(self, *args, **options):
        counts = services.send_due()
        flushed = anonymity.flush_due()
        self.stdout.write(
            f"{counts['invited']} invitations and {counts['reminded']} reminders sent; "
            f"{sum(flushed.values())} sealed responses moved to the results."
        )
