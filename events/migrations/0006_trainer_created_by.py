"""Who created a trainer's record (they may change it); agencies in use protected from
deletion; and the rate limit's cache table (settings.CACHES["rate_limit"], rate_limit_entries) on
databases migrated before it existed. createcachetable makes every configured cache table
that is missing and leaves the others alone; events is migrated first, so it lives here."""

import django.db.models.deletion
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_completion_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="trainer",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="trainers_created",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        # An agency in use is refused deletion, never blanked out or taken with it.
        migrations.AlterField(
            model_name="agencymember",
            name="agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="events.agency",
            ),
        ),
        migrations.AlterField(
            model_name="trainer",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trainers",
                to="events.agency",
                verbose_name="agency",
            ),
        ),
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
