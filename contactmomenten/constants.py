"""Fixed vocabularies of kiss-details: API roles and the known kinds of bron.

Kept apart from the models so that permissions, filters, factories and the admin can import
them without importing each other.
"""

from django.db import models


class Rol(models.TextChoices):
    """What an API client may do. See ``contactmomenten.api.permissions``."""

    KCM = "kcm", "KCM (KISS: schrijven en lezen van losse records)"
    ANALIST = "analist", "Analist (alleen lezen: lijsten, statistieken, exports)"
    BEHEERDER = "beheerder", "Beheerder (alles, ook verwijderen)"


class BronSoort(models.TextChoices):
    """Kinds of bron KISS knows today. The field stays open for future kinds."""

    KENNISARTIKEL = "kennisartikel", "Kennisartikel"
    VAC = "vac", "VAC"
    WEBSITE = "website", "Website"
    NIEUWSBERICHT = "nieuwsbericht", "Nieuwsbericht"
    WERKINSTRUCTIE = "werkinstructie", "Werkinstructie"


# Names of the Django auth groups that give admin/session users a role.
GROUP_BEHEERDER = "Beheerder"
GROUP_ANALIST = "Analist"
GROUP_KCM = "KCM"

GESPREKS_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
MAX_BRONNEN = 100

# Newest first; the unique id breaks ties on startdatum so that pages never show a record
# twice or skip one (served by the index on (startdatum, id)). Every list's default order.
STABLE_ORDER = ("-startdatum", "-id")

# The largest page any list serves: /api/v1 (pageSize) and the KISS management endpoint
# (pageSize, upstream's maximum, which is also its default there).
MAX_PAGE_SIZE = 5000
