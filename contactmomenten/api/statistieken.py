"""``GET /api/v1/statistieken``: management figures over contactmomentdetails (issue 8 §2),
for analisten and beheerders (kcm: 403).

The same filters as the list (``ContactmomentDetailsFilterSet``, minus its ``ordering``:
rows come in the order of their keys), plus ``groeperen`` (one or two of
``GROEPERINGEN``) and ``limit`` (the top-N of ``groeperen=vraag``). The figures come from
``contactmomenten.statistieken`` (one GROUP BY in the database, from the replica when one
is configured); this view parses, authorises and shapes: periods as text (``2026-03-02``,
ISO week ``2026-W10``, ``2026-03``), JSON or, with ``?format=csv``, the same table as CSV.

Figures per klantcontactmedewerker are never offered: ``groeperen=emailadresKcm`` is a 400.
Per-employee performance figures would make this a staff-monitoring system that needs the
works council's consent. Filtering on emailadresKcm is what the list allows
(``contactmomenten.privacy``).
"""

from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from contactmomenten.api.permissions import request_role
from contactmomenten.api.query_params import StrictQueryParamsMixin
from contactmomenten.api.schema import problem_responses
from contactmomenten.constants import Rol
from contactmomenten.exports.csvfile import csv_table
from contactmomenten.filters import ContactmomentDetailsFilterSet, privacy_filters_refused
from contactmomenten.models import ContactmomentDetails
from contactmomenten.replica import ReplicaReadsMixin
from contactmomenten.statistieken import GROEPERINGEN, MAX_GROEPERINGEN, METINGEN, TOP_N, statistieken_tabel

LIMIT_STANDAARD, LIMIT_MAX = 20, 1000
GROEPEREN_PER_MEDEWERKER = "emailadresKcm"
WEIGERING_PER_MEDEWERKER = (
    "Groeperen per klantcontactmedewerker (emailadresKcm) kan niet: cijfers per medewerker "
    "maken van deze dienst een systeem om personeel te volgen, waarvoor de ondernemingsraad "
    "moet instemmen. Deze dienst levert ze in geen enkele vorm."
)


class StatistiekenFilterSet(ContactmomentDetailsFilterSet):
    """The list's filters; without ``ordering`` (a statistics row is ordered by its keys)."""


del StatistiekenFilterSet.base_filters["ordering"]


def _tekst(naam: str, waarde):
    """A key as it goes on the wire: periods as ISO text, everything else unchanged."""
    if waarde is None:
        return None
    if naam == "dag":
        return waarde.isoformat()
    if naam == "week":
        jaar, week, _ = waarde.isocalendar()
        return f"{jaar}-W{week:02d}"
    if naam == "maand":
        return f"{waarde:%Y-%m}"
    return waarde


class StatistiekenRijSerializer(serializers.Serializer):
    """One row of the statistics (documentation of the shape; rows are built as dicts)."""

    dag = serializers.DateField(required=False, help_text="Dag (Europe/Amsterdam), bij groeperen=dag.")
    week = serializers.CharField(
        required=False, help_text="ISO-week, bijvoorbeeld 2026-W10 (begint op maandag), bij groeperen=week."
    )
    maand = serializers.CharField(
        required=False, help_text="Maand, bijvoorbeeld 2026-03, bij groeperen=maand."
    )
    uur = serializers.IntegerField(required=False, help_text="Uur van de dag, 0-23 (Europe/Amsterdam).")
    weekdag = serializers.IntegerField(
        required=False, help_text="Dag van de week, 1 (maandag) t/m 7 (zondag)."
    )
    verantwoordelijkeAfdeling = serializers.CharField(required=False, help_text="Verantwoordelijke afdeling.")
    gespreksresultaat = serializers.CharField(
        required=False, help_text="Gespreksresultaat, zonder spaties aan begin en eind."
    )
    kpiCategorie = serializers.ChoiceField(
        choices=["eerstelijns", "doorverbonden", "contactverzoek", "overig"],
        required=False,
        help_text="KPI-categorie van het gespreksresultaat; zonder categorie telt het als overig.",
    )
    kanaal = serializers.CharField(required=False, help_text="Kanaal.")
    bronSoort = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Soort geraadpleegde bron; een record telt één keer per soort, null: zonder bronnen.",
    )
    vraag = serializers.CharField(required=False, help_text="Vraag (top-N op aantal).")
    aantal = serializers.IntegerField(help_text="Aantal contactmomentdetails (vragen).")
    gemiddeldeGespreksduur = serializers.FloatField(
        allow_null=True, help_text="Gemiddelde gespreksduur (einddatum - startdatum) in seconden."
    )
    mediaanGespreksduur = serializers.FloatField(
        allow_null=True, help_text="Mediaan van de gespreksduur in seconden."
    )
    p90Gespreksduur = serializers.FloatField(
        allow_null=True, help_text="90e percentiel van de gespreksduur in seconden (90 % duurt korter)."
    )
    aandeelEerstelijns = serializers.FloatField(
        allow_null=True, help_text="Aandeel eerstelijns afgehandeld, 0-1 (de norm is 0,8)."
    )
    aandeelDoorverbonden = serializers.FloatField(allow_null=True, help_text="Aandeel doorverbonden, 0-1.")
    aandeelContactverzoek = serializers.FloatField(
        allow_null=True, help_text="Aandeel contactverzoeken, 0-1."
    )
    aantalGesprekken = serializers.IntegerField(
        help_text=(
            "Aantal gesprekken: verschillende gespreksIds; een record zonder gespreksId is een eigen gesprek."
        )
    )
    vragenPerGesprek = serializers.FloatField(allow_null=True, help_text="aantal / aantalGesprekken.")
    gemiddeldeGesprekDuur = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Gemiddelde duur van een gesprek in seconden: per gesprek max(einddatum) - min(startdatum) "
            "over zijn vragen in deze rij (de vragen van één gesprek overlappen in tijd)."
        ),
    )


# One row; drf-spectacular shows it inside the list the response is.
VOORBEELD = {
    "maand": "2026-03",
    "verantwoordelijkeAfdeling": "Burgerzaken",
    "aantal": 1240,
    "gemiddeldeGespreksduur": 312.4,
    "mediaanGespreksduur": 270.0,
    "p90Gespreksduur": 615.0,
    "aandeelEerstelijns": 0.81,
    "aandeelDoorverbonden": 0.12,
    "aandeelContactverzoek": 0.05,
    "aantalGesprekken": 1010,
    "vragenPerGesprek": 1.227723,
    "gemiddeldeGesprekDuur": 365.2,
}


class StatistiekenCSVRenderer(BaseRenderer):
    """``?format=csv``: the rows as CSV (UTF-8 with BOM, header row); errors stay problem+json."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            return JSONRenderer().render(data)
        kolommen = context["view"].kolommen
        return csv_table(kolommen, ([row.get(k) for k in kolommen] for row in data))


def _groeperen(params) -> list[str]:
    names = [n.strip() for value in params.getlist("groeperen") for n in value.split(",") if n.strip()]
    for name in names:
        if name == GROEPEREN_PER_MEDEWERKER:
            raise exceptions.ValidationError(
                {"groeperen": [exceptions.ErrorDetail(WEIGERING_PER_MEDEWERKER, "not_offered")]}
            )
        if name not in GROEPERINGEN:
            raise exceptions.ValidationError(
                {
                    "groeperen": [
                        exceptions.ErrorDetail(
                            f"Onbekende groepering '{name[:100]}'. Kies uit: {', '.join(GROEPERINGEN)}.",
                            "invalid_choice",
                        )
                    ]
                }
            )
    if len(names) > MAX_GROEPERINGEN or len(set(names)) != len(names):
        raise exceptions.ValidationError(
            {
                "groeperen": [
                    exceptions.ErrorDetail("Groepeer op één of twee verschillende kenmerken.", "too_many")
                ]
            }
        )
    return names


def _limit(params, groeperen: list[str]) -> int | None:
    raw = params.get("limit")
    if raw is None:
        return LIMIT_STANDAARD if TOP_N in groeperen else None
    if TOP_N not in groeperen:
        raise exceptions.ValidationError(
            {
                "limit": [
                    exceptions.ErrorDetail(
                        "limit hoort bij groeperen=vraag (de top-N van de vragen).", "invalid"
                    )
                ]
            }
        )
    if not raw.strip().isdigit() or not 1 <= int(raw) <= LIMIT_MAX:
        raise exceptions.ValidationError(
            {
                "limit": [
                    exceptions.ErrorDetail(f"limit is een geheel getal van 1 t/m {LIMIT_MAX}.", "invalid")
                ]
            }
        )
    return int(raw)


class StatistiekenSchema(AutoSchema):
    """The FilterSet's parameters are documented as for a list (this view is none)."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class StatistiekenView(ReplicaReadsMixin, StrictQueryParamsMixin, GenericAPIView):
    schema = StatistiekenSchema()
    queryset = ContactmomentDetails.objects.all()
    filterset_class = StatistiekenFilterSet
    pagination_class = None
    renderer_classes = [JSONRenderer, StatistiekenCSVRenderer]
    roles_by_method = {"GET": frozenset({Rol.ANALIST, Rol.BEHEERDER})}
    extra_query_params = ("groeperen", "limit", "format")
    kolommen: list[str] = []

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # ?format=xml: a bad parameter, not a missing page
            raise exceptions.ValidationError(
                {"format": [exceptions.ErrorDetail("format is json (standaard) of csv.", "invalid_choice")]}
            ) from None

    @extend_schema(
        operation_id="statistieken",
        tags=["statistieken"],
        summary="Statistieken van contactmomentdetails",
        description=(
            "Managementinformatie berekend in de database: aantallen, gespreksduur (gemiddelde, "
            "mediaan, p90), aandelen per KPI-categorie en gesprekken, per groep van één of twee "
            "kenmerken (groeperen) of, zonder groeperen, één rij met de totalen. Dezelfde filters "
            "als de lijst /api/v1/contactmomentdetails. Perioden volgen Europe/Amsterdam; weken "
            "zijn ISO-weken (maandag). Rijen staan op volgorde van hun kenmerken, bij vraag op "
            "aantal (aflopend, de top-N van limit). Met format=csv dezelfde tabel als CSV. "
            "Cijfers per medewerker levert deze dienst niet: groeperen=emailadresKcm geeft 400. "
            "Rollen: analist en beheerder (kcm: 403)."
        ),
        parameters=[
            OpenApiParameter(
                "groeperen",
                {"type": "array", "items": {"type": "string", "enum": list(GROEPERINGEN)}, "maxItems": 2},
                style="form",
                explode=False,
                description=(
                    "Eén of twee kenmerken om op te groeperen, gescheiden door een komma (of de "
                    "parameter twee keer): dag, week, maand, uur (van de dag), weekdag, "
                    "verantwoordelijkeAfdeling, gespreksresultaat, kpiCategorie, kanaal, bronSoort "
                    "of vraag. Zonder groeperen: één rij met de totalen."
                ),
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX},
                description=(
                    f"Alleen bij groeperen=vraag: het aantal rijen (standaard {LIMIT_STANDAARD}, "
                    f"hoogstens {LIMIT_MAX})."
                ),
            ),
            OpenApiParameter(
                "format",
                {"type": "string", "enum": ["json", "csv"]},
                description="json (standaard) of csv: dezelfde tabel als CSV (UTF-8 met BOM, kopregel).",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                StatistiekenRijSerializer(many=True),
                description="De rijen.",
                examples=[OpenApiExample("Per maand en afdeling", value=VOORBEELD)],
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="De rijen als CSV (format=csv)."
            ),
            **problem_responses(400, 401, 403, 406, 500),
        },
    )
    def get(self, request, *args, **kwargs):
        params = request.query_params
        groeperen = _groeperen(params)
        limit = _limit(params, groeperen)
        forbidden = privacy_filters_refused(params, request_role(request))
        if forbidden:
            raise exceptions.PermissionDenied(f"Filteren op {', '.join(forbidden)} mag niet met uw rol.")
        rows = statistieken_tabel(self.filter_queryset(self.get_queryset()), groeperen, limit=limit)
        self.kolommen = [*groeperen, *METINGEN]
        data = [{k: _tekst(k, v) for k, v in row.items()} for row in rows]
        response = Response(data)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = (
                f'attachment; filename="statistieken{"-" if groeperen else ""}{"-".join(groeperen)}.csv"'
            )
        return response
