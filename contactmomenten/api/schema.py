"""OpenAPI pieces of kiss-details that drf-spectacular cannot infer.

- Authentication extensions for the two custom schemes (Token with a role, Bearer JWT of
  managementinformatie), and session login (admin users) with a Dutch description.
- maxItems for the bronnen list, which drf-spectacular does not derive.
- The problem+json error bodies (RFC 9457) of /api/v1 as components, with an example per
  status, and ``problem_responses()`` to attach them to operations.
- ``schema_dutch_descriptions``, a postprocessing hook: Dutch descriptions for every component
  (drf-spectacular would take the English class docstrings) and the ``{uuid}`` path parameter.

Imported from ``ContactmomentenConfig.ready()`` so the extensions register at startup.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from contactmomenten.api.exceptions import (
    NOT_FOUND_DETAIL,
    PROBLEM_CONTENT_TYPE,
    SERVER_ERROR_DETAIL,
    TITLES,
    VALIDATION_DETAIL,
    PreconditionFailed,
    problem,
)
from contactmomenten.models import EINDDATUM_VOOR_STARTDATUM


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "contactmomenten.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
    priority = 1  # above drf-spectacular's generic TokenAuthentication scheme

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "API-sleutel van een client, met het voorvoegsel 'Token': `Authorization: Token <sleutel>`. "
                "De rol van de sleutel (kcm, analist of beheerder) bepaalt wat de client mag. "
                "Sleutels maakt een beheerder aan in de admin of met `manage.py create_api_token`."
            ),
        }


class ManagementinformatieJWTScheme(OpenApiAuthenticationExtension):
    target_class = "contactmomenten.api.authentication.ManagementinformatieJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "JWT van managementinformatie zoals in upstream KISS: ondertekend (HS256/384/512) met "
                "MANAGEMENTINFORMATIE_API_KEY, met de claims 'iat' en 'exp'. Geeft de rol analist."
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1  # replaces drf-spectacular's scheme of the same name, to add the description

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": (
                "Sessie van een ingelogde admin-gebruiker (bijvoorbeeld vanuit deze documentatie). "
                "De rol volgt uit de groep van de gebruiker; schrijven vraagt ook de CSRF-token."
            ),
        }


class BronListSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular leaves out a ListSerializer's max_length; document it as maxItems."""

    target_class = "contactmomenten.api.serializers.BronListSerializer"

    def map_serializer_field(self, auto_schema, direction):
        component = auto_schema.resolve_serializer(self.target.child, direction)
        schema = {"type": "array", "items": component.ref}
        if self.target.max_length is not None:
            schema["maxItems"] = self.target.max_length
        return schema


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Naam van het veld of de parameter, bijvoorbeeld 'bronnen.0.url'.")
    code = serializers.CharField(help_text="Code van de fout, bijvoorbeeld 'required' of 'max_length'.")
    reason = serializers.CharField(help_text="Uitleg van de fout, in het Nederlands.")


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="URI die de soort fout aanduidt.")
    title = serializers.CharField(help_text="Korte omschrijving van de soort fout.")
    status = serializers.IntegerField(help_text="De HTTP-statuscode.")
    detail = serializers.CharField(help_text="Uitleg van deze fout.")
    instance = serializers.CharField(help_text="Het pad (met query) van de aanvraag die mislukte.")
    code = serializers.CharField(help_text="Code van de soort fout, bijvoorbeeld 'not_found'.")


class ValidationProblemSerializer(ProblemSerializer):
    invalidParams = InvalidParamSerializer(many=True, help_text="De ongeldige velden en parameters.")


_PATH = "/api/v1/contactmomentdetails"
_EXAMPLES = {
    400: (
        "invalid",
        VALIDATION_DETAIL,
        [
            {
                "name": "einddatum",
                "code": "invalid",
                "reason": EINDDATUM_VOOR_STARTDATUM,
            },
            {"name": "bronnen.0.url", "code": "required", "reason": "Dit veld is vereist."},
        ],
    ),
    401: ("not_authenticated", "Authenticatiegegevens zijn niet opgegeven.", None),
    403: ("permission_denied", "U heeft geen rechten voor deze actie.", None),
    404: ("not_found", NOT_FOUND_DETAIL, None),
    406: ("not_acceptable", "Kan niet voldoen aan de opgegeven Accept header.", None),
    409: (
        "conflict",
        "De aanvraag botst met een record dat tegelijk werd opgeslagen; probeer het opnieuw.",
        None,
    ),
    412: ("precondition_failed", str(PreconditionFailed.default_detail), None),
    415: ("unsupported_media_type", 'Ongeldig mediatype "text/plain" in aanvraag.', None),
    500: ("server_error", SERVER_ERROR_DETAIL, None),
}
_DESCRIPTIONS = {
    400: "Ongeldige invoer: de velden of queryparameters staan in invalidParams.",
    401: "Geen of ongeldige authenticatie.",
    403: "De rol van de client mag dit niet.",
    404: "Niet gevonden.",
    406: "De Accept-header vraagt een formaat dat deze API niet levert (alleen JSON).",
    409: "Het contactmoment werd tegelijk door een andere aanvraag opgeslagen.",
    412: "If-Match noemt een versie (ETag) die het record niet meer heeft; er is niets gewijzigd.",
    415: "De body is geen application/json.",
    500: "Onverwachte fout; gelogd, zonder technische details in het antwoord.",
}


def problem_responses(*status_codes: int) -> dict:
    """problem+json responses for ``extend_schema(responses=...)``, one example each."""
    responses = {}
    for status_code in status_codes:
        code, detail, params = _EXAMPLES[status_code]
        example = problem(
            status_code=status_code, code=code, detail=detail, instance=_PATH, invalid_params=params
        )
        responses[(status_code, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
            response=ValidationProblemSerializer if params else ProblemSerializer,
            description=_DESCRIPTIONS[status_code],
            examples=[OpenApiExample(TITLES[status_code], value=example)],
        )
    return responses


COMPONENT_DESCRIPTIONS = {
    "Bron": "Een geraadpleegde bron: soort, titel en url.",
    "BronRequest": "Een geraadpleegde bron: soort, titel en url (alle drie verplicht).",
    "ContactmomentDetails": (
        "De details van één contactmoment (één vraag van een burger) voor managementinformatie."
    ),
    "ContactmomentDetailsRequest": "Nieuwe of vervangende contactmomentdetails, met de bronnen.",
    "PatchedContactmomentDetailsRequest": "De te wijzigen velden van contactmomentdetails.",
    "PaginatedContactmomentDetailsList": "Een pagina contactmomentdetails.",
    "Problem": "Foutbericht volgens RFC 9457 (problem details).",
    "ValidationProblem": "Foutbericht volgens RFC 9457, met de ongeldige velden in invalidParams.",
    "InvalidParam": "Een ongeldig veld of een ongeldige parameter, met code en reden.",
    "KissContactmomentDetails": (
        "Eén record zoals upstream KISS het teruggeeft, plus gespreksId, kanaal en bronnen; "
        "lege tekstvelden zijn null."
    ),
    "KissContactmomentDetailsWriteRequest": (
        "De body die de KISS-frontend met writeContactmomentDetails stuurt. Onbekende velden "
        "(zoals tekst en betrokkene) worden genegeerd en nooit opgeslagen."
    ),
    "KissBronRead": "Een geraadpleegde bron zoals upstream KISS hem teruggeeft.",
    "KissBronRequest": "Een geraadpleegde bron zoals de KISS-frontend hem stuurt.",
    "KissRapportagePage": "Een pagina managementinformatie, zoals upstream KISS hem teruggeeft.",
    "KissProblem": "Het antwoord van upstream KISS op een pagina voorbij de laatste.",
    "KpiCategorieEnum": "KPI-categorie: eerstelijns, doorverbonden, contactverzoek of overig.",
    "StatistiekenRij": (
        "Eén rij statistieken: de kenmerken waarop gegroepeerd is (alleen die) en de cijfers "
        "van de contactmomentdetails in die groep."
    ),
}
UUID_PARAMETER_DESCRIPTION = "UUID van de contactmomentdetails (het veld uuid)."


def schema_dutch_descriptions(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS): Dutch descriptions where drf-spectacular
    would use English docstrings or none."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name in COMPONENT_DESCRIPTIONS:
            component["description"] = COMPONENT_DESCRIPTIONS[name]
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "uuid" and parameter["in"] == "path":
                    parameter.setdefault("description", UUID_PARAMETER_DESCRIPTION)
    return result
