"""Create the role groups Beheerder, Analist and KCM with their admin permissions.

The permission sets live in ``contactmomenten.roles`` and are re-applied after every
``migrate``, so later changes there need no new data migration.
"""

from django.db import migrations


def role_groups_create(apps, schema_editor):
    from contactmomenten.roles import role_groups_sync

    role_groups_sync(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contactmomenten", "0002_history_exportlog"),
    ]

    operations = [migrations.RunPython(role_groups_create, migrations.RunPython.noop)]
