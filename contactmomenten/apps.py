"""App configuration; registers the system checks of the app on startup."""

from django.apps import AppConfig


class ContactmomentenConfig(AppConfig):
    name = "contactmomenten"
    verbose_name = "Contactmomenten"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from contactmomenten import checks  # noqa: F401  (registers the checks)
