"""Data model of kiss-details: one ContactmomentDetails per question a KCM handled, its
consulted bronnen, the KPI category of each gespreksresultaat, the API tokens of the clients
that read and write them, the export log, and the link between a user and their identity at
the OIDC provider.

The database itself enforces what must always hold (unique contactmoment, einddatum not
before startdatum, bronnen deleted with their record); the Dutch ``verbose_name`` and
``help_text`` of each field are the single source for admin labels and OpenAPI descriptions.
"""

import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contactmomenten.constants import GESPREKS_ID_PATTERN, STABLE_ORDER, KpiCategorie, Rol
from contactmomenten.history import history_user_get

gespreks_id_validator = RegexValidator(
    GESPREKS_ID_PATTERN,
    message="Een gespreksId bestaat alleen uit letters, cijfers, '-' en '_'.",
    code="invalid_gespreks_id",
)

# The rule of the ``einddatum_niet_voor_startdatum`` constraint below, with its message: the
# constraint enforces it in the database, ``einddatum_valid`` lets writers that check many
# rows in Python (the KISS import) apply the same rule without a query per row.
EINDDATUM_VOOR_STARTDATUM = "De einddatum mag niet voor de startdatum liggen."


def einddatum_valid(startdatum, einddatum) -> bool:
    return einddatum >= startdatum


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def version_moment(versie: str) -> datetime:
    """The ``gewijzigd`` of version ``versie`` (see ``ContactmomentDetails.versie``)."""
    return _EPOCH + timedelta(microseconds=int(versie))


# The duration of a conversation, derived in the database (never stored twice).
GESPREKSDUUR = models.ExpressionWrapper(F("einddatum") - F("startdatum"), output_field=models.DurationField())


class ContactmomentDetailsHistoryFields(models.Model):
    """What the history of a record keeps beyond its own fields (see ``contactmomenten.history``)."""

    history_bronnen = models.TextField(
        "bronnen",
        blank=True,
        help_text="De bronnen van het record na deze wijziging, één per regel: soort: titel (url).",
    )
    history_api_client = models.CharField(
        "API-client",
        max_length=200,
        blank=True,
        help_text="Naam van het API-token (of JWT-client) dat de wijziging deed.",
    )

    class Meta:
        abstract = True


class ContactmomentDetails(models.Model):
    uuid = models.UUIDField(
        "UUID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Unieke identificatie van deze contactmomentdetails in /api/v1.",
    )
    contactmoment = models.CharField(
        "contactmoment",
        max_length=1000,
        unique=True,
        help_text=(
            "Verwijzing (meestal de URL) naar het contactmoment of klantcontact in het "
            "Klantinteracties-register. Upstream KISS noemt dit 'id'."
        ),
    )
    vraag = models.CharField(
        "vraag",
        max_length=1000,
        blank=True,
        help_text="Titel van de bron die de KCM als 'Vraag' koos (een titel, geen URL).",
    )
    specifieke_vraag = models.TextField(
        "specifieke vraag",
        blank=True,
        help_text="De vraag van de burger in de woorden van de KCM.",
    )
    gespreksresultaat = models.CharField(
        "gespreksresultaat",
        max_length=200,
        blank=True,
        help_text="Uitkomst van het gesprek, bijvoorbeeld 'Zelfstandig afgehandeld'.",
    )
    startdatum = models.DateTimeField(
        "startdatum", help_text="Begin van het gesprek (ISO 8601, met tijdzone)."
    )
    einddatum = models.DateTimeField(
        "einddatum",
        help_text="Einde van het gesprek (ISO 8601, met tijdzone); niet voor de startdatum.",
    )
    verantwoordelijke_afdeling = models.CharField(
        "verantwoordelijke afdeling",
        max_length=200,
        blank=True,
        help_text="Afdeling die verantwoordelijk is voor de vraag.",
    )
    gespreks_id = models.CharField(
        "gespreksId",
        max_length=64,
        blank=True,
        validators=[gespreks_id_validator],
        help_text=(
            "Identificatie van het gesprek; meerdere vragen in één gesprek delen dezelfde "
            "waarde (een UUID of de nanoid van de KISS-frontend)."
        ),
    )
    kanaal = models.CharField(
        "kanaal",
        max_length=50,
        blank=True,
        help_text="Kanaal van het contact, bijvoorbeeld telefoon, e-mail of balie.",
    )
    emailadres_kcm = models.EmailField(
        "e-mailadres KCM",
        blank=True,
        help_text="E-mailadres van de klantcontactmedewerker die het gesprek voerde.",
    )
    aangemaakt = models.DateTimeField(
        "aangemaakt", auto_now_add=True, help_text="Moment waarop dit record werd aangemaakt."
    )
    gewijzigd = models.DateTimeField(
        "gewijzigd", auto_now=True, help_text="Moment van de laatste wijziging van dit record."
    )

    # Audit trail: every save through the admin and the APIs (see contactmomenten.history).
    history = HistoricalRecords(
        verbose_name="historie van contactmomentdetails",
        verbose_name_plural="historie van contactmomentdetails",
        bases=[ContactmomentDetailsHistoryFields],
        get_user=history_user_get,
        # Versions are looked up by the record's id only (admin history, retention): the
        # indexes django-simple-history would make of the unique contactmoment and uuid (three,
        # 300 MB per million versions) are never read, and every write would maintain them.
        no_db_index=["contactmoment", "uuid"],
    )

    class Meta:
        verbose_name = "contactmomentdetails"
        verbose_name_plural = "contactmomentdetails"
        permissions = [("export_contactmomentdetails", "Kan contactmomentdetails exporteren")]
        ordering = list(STABLE_ORDER)
        constraints = [
            models.CheckConstraint(
                condition=Q(einddatum__gte=F("startdatum")),
                name="einddatum_niet_voor_startdatum",
                violation_error_message=EINDDATUM_VOOR_STARTDATUM,
            ),
        ]
        # One index per filter and ordering of ContactmomentDetailsFilterSet and the admin, so
        # that a page costs the same at 10,000 and 10,000,000 rows. An exact filter leads and
        # startdatum follows: the filtered page in the default order is an ordered index scan.
        # The trigram (pg_trgm) indexes for icontains and the admin search are PostgreSQL-only
        # and live in migration 0005, outside the model state (SQLite has no GIN).
        indexes = [
            # Date ranges, the keyset of every page and its index-only count and page location.
            models.Index(fields=["startdatum", "id"], name="cmd_startdatum_id_idx"),
            models.Index(fields=["einddatum", "id"], name="cmd_einddatum_id_idx"),
            models.Index(fields=["gewijzigd", "id"], name="cmd_gewijzigd_id_idx"),
            models.Index(F("einddatum") - F("startdatum"), F("id"), name="cmd_duur_id_idx"),
            models.Index(fields=["verantwoordelijke_afdeling", "startdatum"], name="cmd_afdeling_start_idx"),
            models.Index(fields=["gespreksresultaat", "startdatum"], name="cmd_resultaat_start_idx"),
            models.Index(fields=["kanaal", "startdatum"], name="cmd_kanaal_start_idx"),
            models.Index(fields=["gespreks_id"], name="cmd_gespreks_id_idx"),
            # The iexact filter compiles to UPPER(emailadres_kcm) = UPPER(%s).
            models.Index(Upper("emailadres_kcm"), name="cmd_email_upper_idx"),
        ]

    def __str__(self):
        start = timezone.localtime(self.startdatum).strftime("%d-%m-%Y %H:%M") if self.startdatum else "?"
        return f"{self.vraag or 'Contactmoment'} ({start})"

    @property
    def versie(self) -> str:
        """The version of this record as stored: ``gewijzigd`` in microseconds since 1970.

        Every write sets ``gewijzigd`` (the services save it with every update), so the
        version changes with each write; /api/v1 sends it as the ``ETag`` and the admin's
        change form keeps the one it was opened with (``contactmomenten.services`` compares).
        """
        return str((self.gewijzigd - _EPOCH) // timedelta(microseconds=1)) if self.gewijzigd else ""

    @property
    def gespreksduur(self):
        """Duration of the conversation (einddatum - startdatum), or None if incomplete."""
        if self.startdatum and self.einddatum:
            return self.einddatum - self.startdatum
        return None


class GespreksresultaatCategorie(models.Model):
    """The KPI category of one gespreksresultaat value (free text in KISS), set by a beheerder.

    The statistics match a record's gespreksresultaat exactly, after trimming, against
    ``resultaat``; a value without a row here counts as ``overig``.
    """

    resultaat = models.CharField(
        "gespreksresultaat",
        max_length=200,
        unique=True,
        help_text=(
            "De waarde van gespreksresultaat zoals KISS hem opslaat, exact (hoofdlettergevoelig); "
            "spaties aan het begin en eind tellen niet mee."
        ),
    )
    categorie = models.CharField(
        "KPI-categorie",
        max_length=20,
        choices=KpiCategorie.choices,
        help_text=(
            "Eerstelijns: door het KCC zelf afgehandeld; doorverbonden: naar de tweede lijn; "
            "contactverzoek; overig: al het andere."
        ),
    )

    class Meta:
        verbose_name = "KPI-categorie van een gespreksresultaat"
        verbose_name_plural = "KPI-categorieën van gespreksresultaten"
        ordering = ["resultaat"]

    def __str__(self):
        return f"{self.resultaat}: {self.get_categorie_display()}"

    def save(self, *args, **kwargs):
        self.resultaat = (self.resultaat or "").strip()  # matched after trimming
        super().save(*args, **kwargs)

    def clean(self):
        self.resultaat = (self.resultaat or "").strip()


class Bron(models.Model):
    contactmomentdetails = models.ForeignKey(
        ContactmomentDetails,
        on_delete=models.CASCADE,
        related_name="bronnen",
        verbose_name="contactmomentdetails",
        help_text="De contactmomentdetails waarbij deze bron is geraadpleegd.",
    )
    soort = models.CharField(
        "soort",
        max_length=50,
        help_text=(
            "Soort bron: kennisartikel, vac, website, nieuwsbericht, werkinstructie of een toekomstige soort."
        ),
    )
    titel = models.CharField("titel", max_length=1000, help_text="Titel van de bron.")
    url = models.CharField("url", max_length=1000, help_text="Adres (URL) van de bron.")

    class Meta:
        verbose_name = "bron"
        verbose_name_plural = "bronnen"
        # Bronnen are written in the order the KCM consulted them; the id keeps that order.
        ordering = ["id"]
        indexes = [models.Index(fields=["soort", "contactmomentdetails"], name="bron_soort_cmd_idx")]

    def __str__(self):
        return f"{self.soort}: {self.titel}"


class ApiToken(models.Model):
    """A key an API client sends as ``Authorization: Token <key>``.

    Only a SHA-256 hash of the key is stored: keys are 256 random bits, so a fast hash is
    enough to make a database leak useless, and it allows an indexed lookup.
    """

    name = models.CharField("naam", max_length=200, help_text="Naam van de API-client.")
    role = models.CharField("rol", max_length=20, choices=Rol.choices, help_text="Wat deze client mag doen.")
    key_prefix = models.CharField(
        "sleutelbegin",
        max_length=8,
        editable=False,
        help_text="De eerste tekens van de sleutel, om hem te herkennen.",
    )
    key_hash = models.CharField(
        "sleutelhash", max_length=64, unique=True, editable=False, help_text="SHA-256 van de sleutel."
    )
    created = models.DateTimeField(
        "aangemaakt", auto_now_add=True, help_text="Moment waarop de sleutel werd aangemaakt."
    )
    last_used = models.DateTimeField(
        "laatst gebruikt",
        null=True,
        blank=True,
        editable=False,
        help_text="Laatste gebruik van de sleutel (tot op een minuut nauwkeurig).",
    )
    revoked_at = models.DateTimeField(
        "ingetrokken op",
        null=True,
        blank=True,
        help_text="Een ingetrokken sleutel geeft geen toegang meer.",
    )

    class Meta:
        verbose_name = "API-token"
        verbose_name_plural = "API-tokens"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Rol.values),
                name="api_token_bekende_rol",
                violation_error_message="Onbekende rol.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_active(self):
        return self.revoked_at is None


class ExportLog(models.Model):
    """One export from the admin: who exported what, when, and how many rows left the system."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="gebruiker",
        help_text="De gebruiker die exporteerde.",
    )
    username = models.CharField(
        "gebruikersnaam", max_length=150, help_text="Gebruikersnaam, bewaard als de gebruiker verdwijnt."
    )
    moment = models.DateTimeField("moment", default=timezone.now, help_text="Begin van de export.")
    formaat = models.CharField("formaat", max_length=20, help_text="csv, csv-puntkomma of xlsx.")
    filter = models.TextField(
        "filter",
        blank=True,
        help_text=(
            "Filters, zoekterm en datumselectie van de lijst als leesbare tekst, bijvoorbeeld "
            "'afdeling = Burgerzaken, maand = 2026-10'."
        ),
    )
    selectie = models.CharField(
        "selectie",
        max_length=20,
        help_text="'lijst' (knop: alle rijen van de gefilterde lijst) of 'actie' (admin-actie).",
    )
    aantal_rijen = models.PositiveIntegerField(
        "aantal rijen",
        null=True,
        blank=True,
        help_text="Aantal geëxporteerde rijen; leeg zolang de export loopt.",
    )
    voltooid = models.BooleanField(
        "voltooid", default=False, help_text="Of het hele bestand is verstuurd (niet afgebroken)."
    )

    class Meta:
        verbose_name = "exportregel"
        verbose_name_plural = "exportregels"
        ordering = ["-moment"]

    def __str__(self):
        return f"{self.username}: {self.formaat} ({timezone.localtime(self.moment):%d-%m-%Y %H:%M})"


class OidcIdentity(models.Model):
    """The identity provider's subject of a user: an OIDC login finds its user by ``sub``
    (stable at the provider), never by e-mail address, which can change or be reused."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identity",
        verbose_name="gebruiker",
        help_text="De gebruiker die met deze identiteit inlogt.",
    )
    sub = models.CharField(
        "sub",
        max_length=255,
        unique=True,
        help_text="De sub-claim van de identity provider: de vaste identificatie van de gebruiker daar.",
    )
    created_at = models.DateTimeField("aangemaakt", default=timezone.now, help_text="Eerste OIDC-login.")

    class Meta:
        verbose_name = "OIDC-identiteit"
        verbose_name_plural = "OIDC-identiteiten"

    def __str__(self):
        return self.sub


class UitgesteldeIndex(models.Model):
    """An index ``import_kiss`` dropped for a first import into an empty table and builds
    again at its end (``contactmomenten.bulk_indexes``); a row left means an interrupted import."""

    naam = models.CharField("naam", max_length=200, unique=True)
    definitie = models.TextField("definitie", help_text="Het CREATE INDEX-statement (pg_get_indexdef).")

    class Meta:
        verbose_name = "uitgestelde index"
        verbose_name_plural = "uitgestelde indexen"

    def __str__(self):
        return self.naam
