"""The background worker: django-tasks-db's ``db_worker``, after putting back in the queue the
tasks a killed worker left running (``integrations.queue.requeue_stale_tasks``)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from integrations.queue import requeue_stale_tasks


class Command(DatabaseWorkerCommand):
    help = "Run the background worker (e-mails, webhook deliveries, documents)."

    def handle(self, *args, **options):
        requeue_stale_tasks()
        return super().handle(*args, **options)
