"""Indexes no query reads, which every write maintained and every bulk load built.

- The history table's indexes on contactmoment (two) and uuid: versions are looked up by the
  record's id only (``no_db_index`` in the model).
- The ``varchar_pattern_ops`` index Django adds beside the unique index of
  ``contactmoment``, for ``LIKE 'prefix%'``: nothing asks for a prefix of the URL (the admin
  searches its end, ``cmd_contactmoment_suffix_idx``, or all of it, the unique index). Django
  cannot leave it out for a ``unique=True`` field, so it is dropped here (PostgreSQL only);
  a later AlterField of the field would only make it again when changing its type.

At a million records they took 6 of the 25 seconds of all index builds.
"""

import uuid

from django.db import migrations, models

from contactmomenten.migration_helpers import on_postgresql

LIKE_INDEX = "contactmomenten_contactm_contactmoment_1a6b6a99_like"
FORWARD = [f"DROP INDEX IF EXISTS {LIKE_INDEX}"]
BACKWARD = [
    f"CREATE INDEX {LIKE_INDEX} ON contactmomenten_contactmomentdetails (contactmoment varchar_pattern_ops)"
]
# An import_kiss interrupted before this migration may have stored these for
# indexes_restore, which must not build them again.
DROPPED = (
    LIKE_INDEX,
    "contactmomenten_historic_contactmoment_15f2691f_like",
    "contactmomenten_historical_contactmoment_15f2691f",
    "contactmomenten_historicalcontactmomentdetails_uuid_28d0de10",
)


def deferred_forget(apps, schema_editor):
    apps.get_model("contactmomenten", "UitgesteldeIndex").objects.filter(naam__in=DROPPED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contactmomenten", "0012_uitgestelde_index"),
    ]

    operations = [
        migrations.RunPython(deferred_forget, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        migrations.AlterField(
            model_name="historicalcontactmomentdetails",
            name="contactmoment",
            field=models.CharField(
                help_text="Verwijzing (meestal de URL) naar het contactmoment of klantcontact in het Klantinteracties-register. Upstream KISS noemt dit 'id'.",
                max_length=1000,
                verbose_name="contactmoment",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcontactmomentdetails",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Unieke identificatie van deze contactmomentdetails in /api/v1.",
                verbose_name="UUID",
            ),
        ),
    ]
