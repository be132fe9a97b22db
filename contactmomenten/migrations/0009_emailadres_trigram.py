"""A pg_trgm index for the admin search on emailadres_kcm (beheerders search it too), as
migration 0005 made them for the other searched fields; PostgreSQL only."""

from django.db import migrations

from contactmomenten.migration_helpers import on_postgresql

FORWARD = [
    "CREATE INDEX cmd_emailadres_kcm_trgm_idx ON contactmomenten_contactmomentdetails "
    "USING gin ((UPPER((emailadres_kcm)::text)) gin_trgm_ops)"
]
BACKWARD = ["DROP INDEX IF EXISTS cmd_emailadres_kcm_trgm_idx"]


class Migration(migrations.Migration):
    dependencies = [("contactmomenten", "0008_exportlog_filter_text")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
