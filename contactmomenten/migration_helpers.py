"""Helpers for migrations that run SQL on PostgreSQL only (pg_trgm indexes, the write log):
SQLite has no GIN indexes and no triggers, and skips them cleanly."""


def on_postgresql(statements):
    """A RunPython function that executes ``statements`` on PostgreSQL and nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run
