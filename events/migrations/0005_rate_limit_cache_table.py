"""The rate limit's cache table (settings.CACHES["rate_limit"], rate_limit_entries) on
databases migrated before it existed. createcachetable makes every configured cache table
that is missing and leaves the others alone; events is migrated first, so it lives here."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_workshop_local_twins")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
