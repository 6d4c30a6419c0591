# What a person told for a workshop moves from the shared person record onto that workshop's
# registration, so that another workshop's organisers neither see nor overwrite it. Existing
# rows keep what they showed: each registration takes a copy of its person's details. The
# calendar link becomes one per registration (that workshop's sessions only); the old
# all-workshops links stop working.

import django.db.models.deletion
import events.tokens
from django.conf import settings
from django.db import migrations, models

PERSON_FIELDS = (
    "name",
    "name_local",
    "gender",
    "agency_id",
    "agency_name",
    "position",
    "region",
    "phone",
    "preferred_language",
)


def copy_person_details(apps, schema_editor):
    Registration = apps.get_model("participants", "Registration")
    batch = []
    for registration in Registration.objects.select_related("participant").iterator(2000):
        person = registration.participant
        for name in PERSON_FIELDS:
            setattr(registration, name, getattr(person, name))
        registration.feed_token = events.tokens.new_token()
        batch.append(registration)
        if len(batch) >= 2000:
            Registration.objects.bulk_update(batch, [*PERSON_FIELDS, "feed_token"])
            batch = []
    if batch:
        Registration.objects.bulk_update(batch, [*PERSON_FIELDS, "feed_token"])


def copy_back(apps, schema_editor):
    # Backwards: the person takes the details of their latest registration.
    Registration = apps.get_model("participants", "Registration")
    for registration in Registration.objects.order_by("participant_id", "created_at").iterator():
        person = registration.participant
        for name in PERSON_FIELDS:
            setattr(person, name, getattr(registration, name))
        person.save()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_workshop_local_twins"),
        ("participants", "0003_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="name",
            field=models.CharField(
                default="", max_length=255, verbose_name="name (English / Latin script)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="registration",
            name="name_local",
            field=models.CharField(blank=True, max_length=255, verbose_name="name (local script)"),
        ),
        migrations.AddField(
            model_name="registration",
            name="gender",
            field=models.CharField(
                choices=[
                    ("female", "Female"),
                    ("male", "Male"),
                    ("other", "Another gender"),
                    ("undisclosed", "Prefer not to say"),
                ],
                default="undisclosed",
                max_length=20,
                verbose_name="gender",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="registrations",
                to="events.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="agency_name",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="agency (if not in the list)"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="position",
            field=models.CharField(blank=True, max_length=255, verbose_name="position"),
        ),
        migrations.AddField(
            model_name="registration",
            name="region",
            field=models.CharField(blank=True, max_length=120, verbose_name="region"),
        ),
        migrations.AddField(
            model_name="registration",
            name="phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="phone"),
        ),
        migrations.AddField(
            model_name="registration",
            name="preferred_language",
            field=models.CharField(
                choices=settings.LANGUAGES,
                default="en",
                max_length=10,
                verbose_name="preferred language",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="cancelled_by_participant",
            field=models.BooleanField(default=False, editable=False),
        ),
        # Nullable first: a callable default is evaluated once for all existing rows.
        migrations.AddField(
            model_name="registration",
            name="feed_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(copy_person_details, copy_back),
        migrations.AlterField(
            model_name="registration",
            name="feed_token",
            field=models.CharField(
                default=events.tokens.new_token, editable=False, max_length=64, unique=True
            ),
        ),
        migrations.RemoveField(model_name="participant", name="agency"),
        migrations.RemoveField(model_name="participant", name="agency_name"),
        migrations.RemoveField(model_name="participant", name="feed_token"),
        migrations.RemoveField(model_name="participant", name="gender"),
        migrations.RemoveField(model_name="participant", name="name"),
        migrations.RemoveField(model_name="participant", name="name_local"),
        migrations.RemoveField(model_name="participant", name="phone"),
        migrations.RemoveField(model_name="participant", name="position"),
        migrations.RemoveField(model_name="participant", name="preferred_language"),
        migrations.RemoveField(model_name="participant", name="region"),
        migrations.AlterModelOptions(
            name="participant",
            options={
                "ordering": ["email", "pk"],
                "verbose_name": "participant",
                "verbose_name_plural": "participants",
            },
        ),
    ]
