"""The admin search finds a record by its whole contactmoment URL or its end (the klantcontact
UUID) and by its exact gespreksId, no longer by any fragment of either: their pg_trgm indexes
(URLs and ids of random characters) were the two most expensive indexes of the table, 64 of
the 118 seconds of all index builds at a million records and more than half of every bulk
insert. The contactmoment's end has a btree on the reversed value
(``contactmomenten.lookups.EindigtOp``); the exact gespreksId uses ``cmd_gespreks_id_idx``.
PostgreSQL only, as migration 0005."""

from django.db import migrations

from contactmomenten.migration_helpers import on_postgresql

TABLE = "contactmomenten_contactmomentdetails"
TRIGRAM = "USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
FORWARD = [
    "DROP INDEX IF EXISTS cmd_contactmoment_trgm_idx",
    "DROP INDEX IF EXISTS cmd_gespreks_id_trgm_idx",
    f"CREATE INDEX cmd_contactmoment_suffix_idx ON {TABLE} (reverse(lower(contactmoment)) text_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cmd_contactmoment_suffix_idx",
    *(
        f"CREATE INDEX cmd_{column}_trgm_idx ON {TABLE} {TRIGRAM.format(column=column)}"
        for column in ("contactmoment", "gespreks_id")
    ),
]


class Migration(migrations.Migration):
    dependencies = [("contactmomenten", "0010_gespreksresultaat_categorie")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
