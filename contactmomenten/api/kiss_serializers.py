"""Wire shapes of the upstream-compatible KISS endpoints (see ``contactmomenten.api.kiss``).

The shapes are fixed by upstream KISS, so they are spelled out here rather than derived from
/api/v1: the body ``writeContactmomentDetails`` sends, and the records the two GET endpoints
return. Upstream stores ``null`` for absent optional strings where we store ``""``; the read
serializers turn ``""`` back into ``null`` so responses match upstream byte for byte in shape.
``emailadresKcm`` is shown as ``contactmomenten.privacy`` decides for the requesting role.
"""

from datetime import UTC

from rest_framework import serializers

from contactmomenten import privacy
from contactmomenten.api.serializers import NullBodyInDutch
from contactmomenten.constants import GESPREKS_ID_PATTERN, MAX_BRONNEN
from contactmomenten.models import EINDDATUM_VOOR_STARTDATUM, Bron, ContactmomentDetails, einddatum_valid
from contactmomenten.roles import user_role


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _help(model, field: str) -> str:
    """The Dutch help_text of a model field: the one description for admin and OpenAPI."""
    return str(model._meta.get_field(field).help_text)


def _help_cmd(field: str) -> str:
    return _help(ContactmomentDetails, field)


class KissBronSerializer(serializers.Serializer):
    # Upstream ContactmomentDetailsBronModel marks all three [Required] (no empty strings):
    # Kiss.Bff/Intern/ContactmomentDetails/Features/ContactmomentDetailsBronModel.cs
    url = serializers.CharField(max_length=_max_length(Bron, "url"), help_text="Adres (URL) van de bron.")
    titel = serializers.CharField(max_length=_max_length(Bron, "titel"), help_text="Titel van de bron.")
    soort = serializers.CharField(
        max_length=_max_length(Bron, "soort"),
        help_text="Soort bron: kennisartikel, vac, website, nieuwsbericht, werkinstructie, ...",
    )


def _optional_text(model_field: str, field_class=serializers.CharField, **kwargs) -> serializers.CharField:
    """An optional string as upstream models it (``string?``): absent, null and "" all mean empty."""
    field = ContactmomentDetails._meta.get_field(model_field)
    return field_class(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=field.max_length,
        help_text=field.help_text,
        **kwargs,
    )


class KissContactmomentDetailsWriteSerializer(NullBodyInDutch, serializers.Serializer):
    """The body of ``PUT /api/contactmomentdetails``.

    Only the fields below are read; everything else the frontend spreads into the body
    (``tekst``, ``betrokkene`` with the citizen's name, e-mail and phone numbers, ...) is
    dropped here and never stored or logged.
    """

    id = serializers.CharField(
        source="contactmoment",
        max_length=_max_length(ContactmomentDetails, "contactmoment"),
        help_text="URL van het klantcontact in het Klantinteracties-register (sleutel van de upsert).",
    )
    startdatum = serializers.DateTimeField(help_text="Begin van het gesprek (ISO 8601).")
    einddatum = serializers.DateTimeField(help_text="Einde van het gesprek (ISO 8601); niet voor startdatum.")
    gespreksresultaat = _optional_text("gespreksresultaat")
    vraag = _optional_text("vraag")
    # The frontend sends lowercase `specifiekevraag` (src/services/openklant/types.ts, used in
    # src/features/contact/contactmoment/ContactmomentAfhandeling.vue, saveVraag); upstream's
    # ASP.NET binder matches names case-insensitively, see to_internal_value.
    specifiekeVraag = _optional_text("specifieke_vraag", source="specifieke_vraag")
    verantwoordelijkeAfdeling = _optional_text(
        "verantwoordelijke_afdeling", source="verantwoordelijke_afdeling"
    )
    gespreksId = _optional_text(
        "gespreks_id",
        source="gespreks_id",
        field_class=serializers.RegexField,
        regex=GESPREKS_ID_PATTERN,
        error_messages={"invalid": "Een gespreksId bestaat alleen uit letters, cijfers, '-' en '_'."},
    )
    kanaal = _optional_text("kanaal")
    emailadresKcm = serializers.EmailField(
        source="emailadres_kcm",
        max_length=_max_length(ContactmomentDetails, "emailadres_kcm"),
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=(
            "E-mailadres van de KCM. Alleen voor API-tokens; bij een ingelogde gebruiker geldt "
            "diens e-mailadres (upstream: User.GetEmail())."
        ),
    )
    # An explicit ListSerializer: with many=True, DRF also passes allow_null to the child, so
    # `[null]` passed validation and failed on save (a 500).
    bronnen = serializers.ListSerializer(
        child=KissBronSerializer(),
        required=False,
        allow_null=True,
        max_length=MAX_BRONNEN,
        help_text="Geraadpleegde bronnen.",
    )

    def to_internal_value(self, data):
        # Upstream binds JSON with System.Text.Json's case-insensitive property matching, so
        # `specifiekevraag` (what the frontend sends) and `specifiekeVraag` both land in the
        # same property. Reproduce that for our declared fields only.
        # Kiss.Bff/Intern/ContactmomentDetails/Features/ContactMomentDetailsModel.cs
        if isinstance(data, dict):
            canonical = {name.lower(): name for name in self.fields}
            data = {canonical.get(key.lower(), key): value for key, value in data.items()}
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs["bronnen"] = attrs.get("bronnen") or []
        if not einddatum_valid(attrs["startdatum"], attrs["einddatum"]):
            raise serializers.ValidationError({"einddatum": [EINDDATUM_VOOR_STARTDATUM]})
        return attrs


# One instance for every PUT: building a serializer deep-copies its declared fields, the
# bronnen's nested ones included, which was a seventh of a PUT's CPU. Validating changes
# nothing on the instance or its fields (DRF 3.18: ``run_validation`` and the fields' own
# keep their state in locals), so threads can share it; tests/api/test_kiss_write_shared.py
# checks that concurrently.
_WRITE = KissContactmomentDetailsWriteSerializer()


def kiss_write_validated(data) -> dict:
    """The validated data of a ``PUT /api/contactmomentdetails`` body, as
    ``KissContactmomentDetailsWriteSerializer(data=data).validated_data`` would be; raises
    ``ValidationError`` when the body is invalid (``errors`` of that serializer tells why)."""
    return _WRITE.run_validation(data)


class KissContactmomentDetailsQuerySerializer(serializers.Serializer):
    """The ``?id=`` of ``GET /api/contactmomentdetails`` (validated, so a NUL byte or an
    absurd length is a 400, not a database error)."""

    id = serializers.CharField(max_length=_max_length(ContactmomentDetails, "contactmoment"))


class NullIfEmptyCharField(serializers.CharField):
    """Renders "" as null: upstream stores null for an absent optional string."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class PersonalCharField(NullIfEmptyCharField):
    """A personal field, shown as ``contactmomenten.privacy`` decides for the requesting role
    (null when left out, so upstream consumers keep the same JSON shape)."""

    def to_representation(self, value):
        role = user_role(getattr(self.context.get("request"), "user", None))
        return super().to_representation(privacy.shown(role, self.source, value))


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with a numeric offset (``2024-10-01T08:00:00+00:00``), as upstream
    serialises the DateTimeOffset it reads from PostgreSQL (DRF would write 'Z')."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.astimezone(UTC).isoformat() if value else None


class KissBronReadSerializer(serializers.Serializer):
    # Field order of upstream's rapportage response: soort, titel, url.
    soort = serializers.CharField(read_only=True, help_text=_help(Bron, "soort"))
    titel = serializers.CharField(read_only=True, help_text=_help(Bron, "titel"))
    url = serializers.CharField(read_only=True, help_text=_help(Bron, "url"))


class KissContactmomentDetailsSerializer(serializers.Serializer):
    """One record as upstream returns it (ContactmomentDetailsDetailModel and the rapportage's
    ContactmomentDetailsModel), plus ``gespreksId``, ``kanaal`` and ``bronnen``."""

    id = serializers.CharField(source="contactmoment", read_only=True, help_text=_help_cmd("contactmoment"))
    startdatum = UtcDateTimeField(help_text=_help_cmd("startdatum") + " In UTC.")
    einddatum = UtcDateTimeField(help_text=_help_cmd("einddatum") + " In UTC.")
    gespreksresultaat = NullIfEmptyCharField(help_text=_help_cmd("gespreksresultaat"))
    vraag = NullIfEmptyCharField(help_text=_help_cmd("vraag"))
    specifiekeVraag = NullIfEmptyCharField(source="specifieke_vraag", help_text=_help_cmd("specifieke_vraag"))
    emailadresKcm = PersonalCharField(
        source="emailadres_kcm",
        help_text=_help_cmd("emailadres_kcm")
        + " Voor de rol analist volgens EMAILADRES_KCM_VOOR_ANALIST (standaard null).",
    )
    verantwoordelijkeAfdeling = NullIfEmptyCharField(
        source="verantwoordelijke_afdeling", help_text=_help_cmd("verantwoordelijke_afdeling")
    )
    gespreksId = NullIfEmptyCharField(source="gespreks_id", help_text=_help_cmd("gespreks_id"))
    kanaal = NullIfEmptyCharField(help_text=_help_cmd("kanaal"))
    bronnen = KissBronReadSerializer(
        many=True, read_only=True, help_text="De geraadpleegde bronnen, in volgorde."
    )


class KissRapportagePageSerializer(serializers.Serializer):
    """Response of ``GET /api/contactmomentendetails`` (documentation only)."""

    count = serializers.IntegerField(help_text="Aantal records in de periode.")
    next = serializers.URLField(allow_null=True, help_text="Absolute URL van de volgende pagina.")
    previous = serializers.URLField(allow_null=True, help_text="Absolute URL van de vorige pagina.")
    results = KissContactmomentDetailsSerializer(many=True, help_text="De records van deze pagina.")


class KissProblemSerializer(serializers.Serializer):
    """Upstream's 404 body for a page past the last one (documentation only)."""

    title = serializers.CharField(help_text="Waarom de pagina niet bestaat, met het aantal pagina's.")
    instance = serializers.CharField(help_text="urn:uuid:<willekeurig>")
