"""/api/v1/contactmomentdetails: CRUD over ContactmomentDetails for new API clients.

A thin ModelViewSet: the FilterSet decides which records, the serializer validates and
shapes, ``contactmomenten.services`` writes a record and its bronnen in one transaction.
Only JSON in and out; every error is problem+json (``contactmomenten.api.exceptions``); an
unknown query parameter is a 400 (``contactmomenten.api.query_params``). What a role sees and
may list is decided by ``contactmomenten.privacy``. Single-record responses carry an ``ETag``
and writes honour ``If-Match`` (``contactmomenten.api.conditional``).
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.renderers import JSONRenderer

from contactmomenten import privacy
from contactmomenten.api.authentication import ApiClient
from contactmomenten.api.conditional import ETAG_RESPONSE_HEADER, IF_MATCH_PARAMETER, etag, if_match_versions
from contactmomenten.api.exceptions import PreconditionFailed
from contactmomenten.api.pages import v1_record_maker
from contactmomenten.api.pagination import ContactmomentDetailsPagination
from contactmomenten.api.parsers import JSONParser
from contactmomenten.api.permissions import READ_ROLES, WRITE_ROLES, request_role
from contactmomenten.api.query_params import StrictQueryParamsMixin
from contactmomenten.api.schema import problem_responses
from contactmomenten.api.serializers import ContactmomentDetailsSerializer
from contactmomenten.constants import DETAIL_FIELDS, Rol
from contactmomenten.filters import ContactmomentDetailsFilterSet, privacy_filters_refused
from contactmomenten.models import ContactmomentDetails
from contactmomenten.replica import ReplicaReadsMixin
from contactmomenten.services import (
    RecordChanged,
    contactmomentdetails_create,
    contactmomentdetails_delete,
    contactmomentdetails_update,
)

TAG = "contactmomentdetails"
DETAIL_ROUTE = "v1-contactmomentdetails-detail"
ROLLEN = (
    "Lezen mogen de rollen kcm, analist en beheerder; aanmaken en wijzigen kcm en beheerder; "
    "verwijderen alleen beheerder."
)

VOORBEELD = {
    "contactmoment": "https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/8f1c2d",
    "vraag": "Paspoort aanvragen",
    "specifiekeVraag": "Hoe lang duurt het voor mijn paspoort klaar is?",
    "gespreksresultaat": "Zelfstandig afgehandeld",
    "startdatum": "2026-03-02T09:30:00+01:00",
    "einddatum": "2026-03-02T09:37:12+01:00",
    "verantwoordelijkeAfdeling": "Burgerzaken",
    "gespreksId": "V1StGXR8_Z5jdHi6B-myT",
    "kanaal": "telefoon",
    "emailadresKcm": "kcm@example.nl",
    "bronnen": [
        {
            "soort": "kennisartikel",
            "titel": "Paspoort aanvragen",
            "url": "https://kennisbank.example.nl/artikel/paspoort",
        }
    ],
}
REQUEST_EXAMPLES = [OpenApiExample("Contactmomentdetails", value=VOORBEELD, request_only=True)]
IF_MATCH = " Met If-Match (de ETag die u las) alleen als het record nog die versie heeft, anders 412."
# The actions whose 200/201 response is one record: they carry its ETag.
SINGLE_RECORD_ACTIONS = frozenset({"create", "retrieve", "update", "partial_update"})


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails zoeken",
        description=(
            "Een pagina contactmomentdetails, standaard de nieuwste eerst (-startdatum). Filters "
            "combineer je met EN. Een filterwaarde van het verkeerde type geeft 400, geen lege "
            f"lijst. {ROLLEN} De rol kcm vraagt alleen één gesprek op (filter contactmoment of "
            "gespreksId), anders 403. Wat een analist van emailadresKcm ziet en filtert, bepaalt "
            "EMAILADRES_KCM_VOOR_ANALIST (standaard: weggelaten, null)."
        ),
        responses={
            200: ContactmomentDetailsSerializer(many=True),
            **problem_responses(400, 401, 403, 404, 406, 500),
        },
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails aanmaken",
        description=f"Legt de details van één contactmoment vast, met de bronnen. {ROLLEN}",
        parameters=[ETAG_RESPONSE_HEADER],
        examples=REQUEST_EXAMPLES,
        responses={
            201: ContactmomentDetailsSerializer,
            **problem_responses(400, 401, 403, 406, 409, 415, 500),
        },
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails opvragen",
        description=f"Eén contactmomentdetails op UUID, met zijn versie in de ETag-header. {ROLLEN}",
        parameters=[ETAG_RESPONSE_HEADER],
        responses={200: ContactmomentDetailsSerializer, **problem_responses(400, 401, 403, 404, 406, 500)},
    ),
    update=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails vervangen",
        description=(
            "Vervangt het hele record: weggelaten optionele velden worden leeg en weggelaten "
            f"bronnen betekent geen bronnen.{IF_MATCH} {ROLLEN}"
        ),
        parameters=[IF_MATCH_PARAMETER, ETAG_RESPONSE_HEADER],
        examples=REQUEST_EXAMPLES,
        responses={
            200: ContactmomentDetailsSerializer,
            **problem_responses(400, 401, 403, 404, 406, 409, 412, 415, 500),
        },
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails deels wijzigen",
        description=(
            "Wijzigt alleen de meegegeven velden. Met 'bronnen' vervangt die lijst de bestaande "
            f"bronnen in zijn geheel; zonder 'bronnen' blijven ze staan.{IF_MATCH} {ROLLEN}"
        ),
        parameters=[IF_MATCH_PARAMETER, ETAG_RESPONSE_HEADER],
        responses={
            200: ContactmomentDetailsSerializer,
            **problem_responses(400, 401, 403, 404, 406, 409, 412, 415, 500),
        },
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Contactmomentdetails verwijderen",
        description=f"Verwijdert het record met zijn bronnen.{IF_MATCH} {ROLLEN}",
        parameters=[IF_MATCH_PARAMETER],
        # 409: a write of the same record adds a bron while it is being deleted.
        responses={204: None, **problem_responses(400, 401, 403, 404, 406, 409, 412, 500)},
    ),
)
class ContactmomentDetailsViewSet(ReplicaReadsMixin, StrictQueryParamsMixin, viewsets.ModelViewSet):
    serializer_class = ContactmomentDetailsSerializer
    filterset_class = ContactmomentDetailsFilterSet
    pagination_class = ContactmomentDetailsPagination
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    lookup_field = "uuid"
    roles_by_method = {
        "GET": READ_ROLES,
        "POST": WRITE_ROLES,
        "PUT": WRITE_ROLES,
        "PATCH": WRITE_ROLES,
        "DELETE": frozenset({Rol.BEHEERDER}),
    }

    def get_queryset(self):
        if self.action == "list":
            return ContactmomentDetails.objects.all()  # rows, bronnen: selectors.contactmomentdetails_page
        return ContactmomentDetails.objects.prefetch_related("bronnen")

    def list(self, request, *args, **kwargs):
        # Keyset pages of plain rows, streamed (contactmomenten.api.pagination and .pages);
        # the serializer stays the documented shape and serves the single-record views.
        queryset = self.filter_queryset(self.get_queryset())
        placeholder = "00000000-0000-0000-0000-000000000000"
        detail_url = request.build_absolute_uri(reverse(DETAIL_ROUTE, kwargs={"uuid": placeholder}))
        return self.paginator.page_response(
            queryset, request, request_role(request), v1_record_maker(detail_url, placeholder)
        )

    def filter_queryset(self, queryset):
        role = request_role(self.request)
        forbidden = privacy_filters_refused(self.request.query_params, role)
        if forbidden:
            raise exceptions.PermissionDenied(f"Filteren op {', '.join(forbidden)} mag niet met uw rol.")
        if self.action == "list":
            refusal = privacy.list_refusal(role, self.request.query_params)
            if refusal:
                raise exceptions.PermissionDenied(refusal)
        return super().filter_queryset(queryset)

    def _written_data(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        if request_role(self.request) == Rol.KCM and not isinstance(self.request.user, ApiClient):
            # A KCM logged in: the record names that KCM, whatever the body says (as the KISS PUT).
            data["emailadres_kcm"] = self.request.user.email
        return data

    def get_object(self):
        self.record = super().get_object()
        return self.record

    def finalize_response(self, request, response, *args, **kwargs):
        record = getattr(self, "record", None)
        if record is not None and self.action in SINGLE_RECORD_ACTIONS and response.status_code in (200, 201):
            response["ETag"] = etag(record)
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_create(self, serializer):
        data = self._written_data(serializer)
        bronnen = data.pop("bronnen", [])
        serializer.instance = self.record = contactmomentdetails_create(data=data, bronnen=bronnen)

    def perform_update(self, serializer):
        data = self._written_data(serializer)
        bronnen = data.pop("bronnen", None)
        if not serializer.partial:
            # PUT replaces the whole representation: what is left out becomes empty.
            data = dict.fromkeys(DETAIL_FIELDS) | data
            bronnen = bronnen if bronnen is not None else []
        try:
            serializer.instance = self.record = contactmomentdetails_update(
                details=serializer.instance,
                data=data,
                bronnen=bronnen,
                versions=if_match_versions(self.request),
            )
        except RecordChanged as exc:
            raise PreconditionFailed from exc

    def perform_destroy(self, instance):
        try:
            contactmomentdetails_delete(details=instance, versions=if_match_versions(self.request))
        except RecordChanged as exc:
            raise PreconditionFailed from exc
