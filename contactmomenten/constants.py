"""Fixed vocabularies of kiss-details: API roles, the known kinds of bron and the KPI
categories of gespreksresultaten (with KISS's default resultaten), and the fields of a record
and of a bron that callers write (the one list every writer and reader builds on).

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


class KpiCategorie(models.TextChoices):
    """What a gespreksresultaat means for the KCC's KPIs (issue 8 §1): handled by the KCC
    itself, put through to the second line, a contactverzoek, or anything else."""

    EERSTELIJNS = "eerstelijns", "Eerstelijns afgehandeld"
    DOORVERBONDEN = "doorverbonden", "Doorverbonden"
    CONTACTVERZOEK = "contactverzoek", "Contactverzoek"
    OVERIG = "overig", "Overig"


# KISS's default gespreksresultaten and their KPI category: the seed of the mapping
# (migration 0010), which a beheerder then extends in the admin.
KISS_GESPREKSRESULTATEN = {
    "Zelfstandig afgehandeld": KpiCategorie.EERSTELIJNS,
    "Afgehandeld na ruggespraak": KpiCategorie.EERSTELIJNS,
    "Afgehandeld, klant belt terug": KpiCategorie.EERSTELIJNS,
    "Doorverbonden naar afdeling": KpiCategorie.DOORVERBONDEN,
    "Doorverbonden naar collega": KpiCategorie.DOORVERBONDEN,
    "Verwezen naar ander instantie": KpiCategorie.DOORVERBONDEN,
    "Contactverzoek gemaakt": KpiCategorie.CONTACTVERZOEK,
    "Onbekend": KpiCategorie.OVERIG,
    "Verbinding verbroken": KpiCategorie.OVERIG,
    "Klant neemt opnieuw contact op": KpiCategorie.OVERIG,
}

# Names of the Django auth groups that give admin/session users a role.
GROUP_BEHEERDER = "Beheerder"
GROUP_ANALIST = "Analist"
GROUP_KCM = "KCM"

# Fields a caller may set on a ContactmomentDetails (everything but identity and timestamps),
# in the order of the table's columns, which is also the order of the seed's COPY lines.
DETAIL_FIELDS = (
    "vraag",
    "specifieke_vraag",
    "gespreksresultaat",
    "startdatum",
    "einddatum",
    "verantwoordelijke_afdeling",
    "gespreks_id",
    "kanaal",
    "emailadres_kcm",
)
BRON_FIELDS = ("soort", "titel", "url")

GESPREKS_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
MAX_BRONNEN = 100

# Newest first; the unique id breaks ties on startdatum so that pages never show a record
# twice or skip one (served by the index on (startdatum, id)). Every list's default order.
STABLE_ORDER = ("-startdatum", "-id")

# The largest page any list serves: /api/v1 (pageSize) and the KISS management endpoint
# (pageSize, upstream's maximum, which is also its default there).
MAX_PAGE_SIZE = 5000
