"""App configuration; registers the system checks, the ``eindigt_op`` lookup, the history and
request-log receivers, the role-group sync (after every migrate) and the SQLite functions of
``contactmomenten.privacy`` and ``contactmomenten.statistieken`` on startup."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class ContactmomentenConfig(AppConfig):
    default = True  # this module holds a second app config (AxesConfig below)
    name = "contactmomenten"
    verbose_name = "Contactmomenten"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from contactmomenten import checks, lookups, request_log  # noqa: F401  (registers checks, lookups, receivers)
        from contactmomenten.api import schema  # noqa: F401  (registers the OpenAPI extensions)
        from contactmomenten.history import history_connect
        from contactmomenten.privacy import sqlite_functions_register
        from contactmomenten.roles import role_groups_post_migrate
        from contactmomenten.statistieken.tabel import sqlite_functions_register as sqlite_statistics

        history_connect(self.get_model("ContactmomentDetails").history.model)
        post_migrate.connect(role_groups_post_migrate, dispatch_uid="kiss_role_groups")
        connection_created.connect(sqlite_functions_register, dispatch_uid="kiss_sqlite_functions")
        connection_created.connect(sqlite_statistics, dispatch_uid="kiss_sqlite_statistics")


class AxesConfig(AxesAppConfig):
    """django-axes (admin login lockout) under a Dutch name in the admin index."""

    default = False
    verbose_name = "Inlogbeveiliging"
