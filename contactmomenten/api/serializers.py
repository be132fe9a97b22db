"""Serializers of /api/v1: the wire shape of a contactmomentdetails and its bronnen.

Wire names are camelCase and declared here with ``source=``; descriptions come from the
model's Dutch ``help_text``. Serializers validate and shape only: writes (the record and
its bronnen in one transaction) are done by ``contactmomenten.services``. What the requesting
role sees of personal fields is decided by ``contactmomenten.privacy``.
"""

from datetime import UTC

from django.db import models
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from contactmomenten import privacy
from contactmomenten.constants import MAX_BRONNEN
from contactmomenten.models import EINDDATUM_VOOR_STARTDATUM, Bron, ContactmomentDetails, einddatum_valid
from contactmomenten.roles import user_role


class NullBodyInDutch:
    """For a body of ``null`` DRF's ``Serializer.errors`` says 'No data provided' without
    translating it; this gives its Dutch from contactmomenten/locale (both APIs' writes)."""

    @property
    def errors(self):
        errors = super().errors
        key = api_settings.NON_FIELD_ERRORS_KEY
        details = errors.get(key)
        if details and len(details) == 1 and details[0].code == "null":
            errors[key] = [ErrorDetail(gettext("No data provided"), code="null")]
        return errors


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField (Europe/Amsterdam on the wire), but in UTC for moments where that
    zone's offset has seconds (Amsterdam Mean Time, +00:19:32, until 1937): an RFC 3339
    date-time, as the schema promises, has a whole-minute offset."""

    def to_representation(self, value):
        if value and self.enforce_timezone(value).utcoffset().seconds % 60:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class BronListSerializer(serializers.ListSerializer):
    """The bronnen list; its own class so the schema can show its maxItems (api/schema.py)."""


class BronSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bron
        fields = ("soort", "titel", "url")
        list_serializer_class = BronListSerializer
        # Every item must be complete, also in a PATCH of the whole list.
        extra_kwargs = {name: {"required": True, "allow_blank": False} for name in fields}

    def to_internal_value(self, data):
        # DRF skips missing fields of nested items in a PATCH (partial); a bron is always
        # written whole, so its fields stay required there too.
        value = super().to_internal_value(data)
        missing = [name for name in self.Meta.fields if name not in value]
        if missing:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["required"]] for name in missing}, code="required"
            )
        return value


# Wire name -> model field of the fields whose visibility depends on the role.
PERSONAL_FIELDS = {"emailadresKcm": "emailadres_kcm"}


class ContactmomentDetailsSerializer(NullBodyInDutch, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
    url = serializers.HyperlinkedIdentityField(
        view_name="v1-contactmomentdetails-detail",
        lookup_field="uuid",
        help_text="Adres van deze contactmomentdetails in /api/v1.",
    )
    specifiekeVraag = serializers.CharField(
        source="specifieke_vraag",
        required=False,
        allow_blank=True,
        help_text=ContactmomentDetails._meta.get_field("specifieke_vraag").help_text,
    )
    gespreksduur = serializers.SerializerMethodField(
        help_text="Duur van het gesprek in hele seconden (einddatum - startdatum); alleen-lezen."
    )
    bronnen = BronSerializer(
        many=True,
        required=False,
        max_length=MAX_BRONNEN,
        help_text=(
            f"De geraadpleegde bronnen (hoogstens {MAX_BRONNEN}), elk met soort, titel en url. PUT en "
            "PATCH vervangen de bestaande bronnen door deze lijst; bij PUT zonder 'bronnen' zijn er "
            "daarna geen, bij PATCH zonder 'bronnen' blijven ze staan."
        ),
    )

    class Meta:
        model = ContactmomentDetails
        fields = (
            "url",
            "uuid",
            "contactmoment",
            "vraag",
            "specifiekeVraag",
            "gespreksresultaat",
            "startdatum",
            "einddatum",
            "gespreksduur",
            "verantwoordelijkeAfdeling",
            "gespreksId",
            "kanaal",
            "emailadresKcm",
            "bronnen",
            "aangemaakt",
            "gewijzigd",
        )
        read_only_fields = ("uuid", "aangemaakt", "gewijzigd")
        extra_kwargs = {
            "verantwoordelijkeAfdeling": {"source": "verantwoordelijke_afdeling"},
            "gespreksId": {"source": "gespreks_id"},
            # null when the reader's role may not see it (contactmomenten.privacy); null in a
            # write means empty, as for the other optional text fields.
            "emailadresKcm": {"source": "emailadres_kcm", "allow_null": True},
        }

    def build_field(self, field_name, info, model_class, nested_depth):
        # camelCase wire names map to snake_case model fields through extra_kwargs' source.
        source = self.Meta.extra_kwargs.get(field_name, {}).get("source")
        return super().build_field(source or field_name, info, model_class, nested_depth)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        role = user_role(getattr(request, "user", None))
        for name, field in PERSONAL_FIELDS.items():
            data[name] = privacy.shown(role, field, data[name])
        return data

    @extend_schema_field(OpenApiTypes.INT)
    def get_gespreksduur(self, obj) -> int | None:
        duur = obj.gespreksduur
        return None if duur is None else int(duur.total_seconds())

    def validate(self, attrs):
        start = attrs.get("startdatum", getattr(self.instance, "startdatum", None))
        eind = attrs.get("einddatum", getattr(self.instance, "einddatum", None))
        if start and eind and not einddatum_valid(start, eind):
            raise serializers.ValidationError({"einddatum": [EINDDATUM_VOOR_STARTDATUM]}, code="invalid")
        return attrs
