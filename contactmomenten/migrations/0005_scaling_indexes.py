"""Indexes for every filter and ordering; on PostgreSQL also pg_trgm indexes for icontains and
the admin search, and the write log that lets a paging walk keep its count
(``contactmomenten.paging``).

The PostgreSQL-only parts run as SQL outside the model state: SQLite has neither GIN indexes
nor triggers, and a table rebuild on SQLite would try to recreate them from the state.
"""

import django.db.models.expressions
import django.db.models.functions.text
from django.db import migrations, models

from contactmomenten.migration_helpers import on_postgresql

TABLE = "contactmomenten_contactmomentdetails"
# Django compiles icontains to UPPER(col::text) LIKE UPPER(%s): the index holds that expression.
TRIGRAM_COLUMNS = ("vraag", "specifieke_vraag", "gespreks_id", "contactmoment", "verantwoordelijke_afdeling")

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX cmd_{column}_trgm_idx ON {TABLE} USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        for column in TRIGRAM_COLUMNS
    ),
    # One row per statement that writes the details table, with the writing transaction's id.
    # A walk's count stays valid while no transaction it could not see has written since.
    """
    CREATE TABLE contactmomenten_write_log (
        id bigserial PRIMARY KEY,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX contactmomenten_write_log_xid_idx ON contactmomenten_write_log (xid)",
    "CREATE INDEX contactmomenten_write_log_at_idx ON contactmomenten_write_log (at)",
    """
    CREATE FUNCTION contactmomenten_write_log_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO contactmomenten_write_log DEFAULT VALUES;
        -- Counts older than an hour are never reused (paging.COUNT_MAX_AGE): keep a day.
        IF random() < 0.01 THEN
            DELETE FROM contactmomenten_write_log WHERE id IN (
                SELECT id FROM contactmomenten_write_log WHERE at < now() - interval '1 day'
                FOR UPDATE SKIP LOCKED
            );
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE TRIGGER contactmomenten_write_log_trigger
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION contactmomenten_write_log_add()
    """,
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS contactmomenten_write_log_trigger ON {TABLE}",
    "DROP FUNCTION IF EXISTS contactmomenten_write_log_add()",
    "DROP TABLE IF EXISTS contactmomenten_write_log",
    *(f"DROP INDEX IF EXISTS cmd_{column}_trgm_idx" for column in TRIGRAM_COLUMNS),
]


class Migration(migrations.Migration):
    dependencies = [
        ("contactmomenten", "0004_api_token_help_text"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="contactmomentdetails",
            name="cmd_gespreksresultaat_idx",
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(fields=["einddatum", "id"], name="cmd_einddatum_id_idx"),
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(fields=["gewijzigd", "id"], name="cmd_gewijzigd_id_idx"),
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(
                django.db.models.expressions.CombinedExpression(
                    models.F("einddatum"), "-", models.F("startdatum")
                ),
                models.F("id"),
                name="cmd_duur_id_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(fields=["gespreksresultaat", "startdatum"], name="cmd_resultaat_start_idx"),
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(fields=["kanaal", "startdatum"], name="cmd_kanaal_start_idx"),
        ),
        migrations.AddIndex(
            model_name="contactmomentdetails",
            index=models.Index(
                django.db.models.functions.text.Upper("emailadres_kcm"), name="cmd_email_upper_idx"
            ),
        ),
        migrations.RunPython(on_postgresql(POSTGRESQL_FORWARD), on_postgresql(POSTGRESQL_BACKWARD)),
    ]
