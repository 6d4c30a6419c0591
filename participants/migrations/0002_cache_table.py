"""The database cache's table (settings.CACHES), which the registration form's rate limit uses.

A migration, so every database that is migrated (development, tests, benchmarks, production)
has it without a separate step. createcachetable does nothing if the table exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
