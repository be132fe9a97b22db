"""The upstream-compatible KISS endpoints: a drop-in for the ContactmomentDetails features of
upstream KISS's backend (Kiss.Bff), so the KISS frontend and managementinformatie consumers
can point at this service unchanged.

One explicit view per upstream use case, named after its upstream class:

- ``ContactmomentDetailsToevoegen``: ``PUT /api/contactmomentdetails`` (upsert by ``id``)
- ``ReadContactmomentDetails``: ``GET /api/contactmomentdetails?id=``
- ``ContactmomentDetailsRapportageOverzicht``: ``GET /api/contactmomentendetails``
- ``GetFaq``: ``GET /api/faq`` (the most frequent recent vragen)

Responses keep upstream's shapes (plain-text 400 messages, ``{title, instance}`` 404 on the
management endpoint); these views deliberately answer themselves instead of going through the
problem+json handling of /api/v1. Each reproduced quirk has a comment naming the upstream file
(paths relative to ``UPSTREAM``).
"""

import re
import uuid
from datetime import datetime
from functools import partial
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from contactmomenten.api.authentication import ApiClient
from contactmomenten.api.kiss_serializers import (
    KissContactmomentDetailsQuerySerializer,
    KissContactmomentDetailsSerializer,
    KissContactmomentDetailsWriteSerializer,
    KissProblemSerializer,
    KissRapportagePageSerializer,
    kiss_write_validated,
)
from contactmomenten.api.pages import kiss_record, page_chunks, page_response
from contactmomenten.api.parsers import JSONParser
from contactmomenten.api.permissions import READ_ROLES, WRITE_ROLES
from contactmomenten.constants import MAX_PAGE_SIZE, Rol
from contactmomenten.datetimes import query_datetime
from contactmomenten.paging import InvalidCursor
from contactmomenten.replica import ReplicaReadsMixin
from contactmomenten.roles import user_role
from contactmomenten.selectors import (
    FAQ_AANTAL,
    FAQ_VENSTER,
    contactmomentdetails_get,
    contactmomentdetails_rapportage_page,
    faq_vragen,
)
from contactmomenten.services import contactmomentdetails_upsert

UPSTREAM = "https://github.com/Klantinteractie-Servicesysteem/KISS-frontend/blob/main/"
TAG = "KISS (upstream-compatibel)"

# Upstream's messages, verbatim (including its "Ongeldig datumnotatie"):
# Kiss.Bff/Intern/ContactmomentDetails/Features/ContactmomentDetailsRapportageOverzicht.cs
MESSAGE_DATUM = "Ongeldig datumnotatie. Gebruik de ISO 8601-notatie (yyyy-MM-ddTHH:mm:ssZ)."
MESSAGE_PAGINAGROOTTE = f"Paginagrootte moet tussen 1 en {MAX_PAGE_SIZE} liggen."
MESSAGE_PAGINANUMMER = "Paginanummer moet minimaal 1 zijn."

# Upstream accepts exactly yyyy-MM-ddTHH:mm:ssZ; we also accept fractions and offsets. An
# unencoded '+' in a query string arrives as a space, so a space before the offset means '+'.
# ASCII digits only, as upstream parses them: Python's \d and int() also take fullwidth and
# Arabic-Indic digits (U+FF11, U+0661).
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+\- ]\d{2}:?\d{2})$", re.ASCII
)
_INTEGER = re.compile(r"^[+-]?\d{1,9}$", re.ASCII)


def query_param(request, name: str) -> str | None:
    """A query parameter matched case-insensitively, as ASP.NET model binding does upstream."""
    name = name.lower()
    for key, values in request.query_params.lists():
        if key.lower() == name and values:
            return values[0]
    return None


def parse_rapportage_datetime(value: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 with 'Z' or an offset, or None if invalid or naive."""
    if value is None or not _ISO_DATETIME.match(value):
        return None
    return query_datetime(value)  # in UTC; None for e.g. month 13


def _parse_int(value: str | None, default: int) -> int | None:
    if value is None or value.strip() == "":
        return default
    return int(value) if _INTEGER.match(value.strip()) else None


def _plain_text(message: str, status: int) -> HttpResponse:
    # Upstream returns BadRequest("...") which ASP.NET writes as text/plain.
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class KissAPIView(APIView):
    """Common ground of the KISS views: JSON bodies only, Dutch messages whatever the client's
    Accept-Language."""

    parser_classes = [JSONParser]

    def dispatch(self, request, *args, **kwargs):
        with translation.override("nl"):
            return super().dispatch(request, *args, **kwargs)


CONTACTMOMENTDETAILS_ID = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="Het contactmoment (URL van het klantcontact). De parameternaam is hoofdletterongevoelig.",
)


class ReadContactmomentDetails(KissAPIView):
    """Upstream: Kiss.Bff/Intern/ContactmomentDetails/Features/ContactmomentDetailsDetails.cs"""

    roles_by_method = {"GET": READ_ROLES}

    @extend_schema(
        operation_id="kiss_contactmomentdetails_lezen",
        tags=[TAG],
        summary="Contactmomentdetails van één contactmoment",
        description=(
            "Zoals upstream KISS (ReadContactmomentDetails). 404 betekent voor de KISS-frontend "
            "'geen details'. Rollen: kcm, analist, beheerder."
        ),
        parameters=[CONTACTMOMENTDETAILS_ID],
        responses={
            200: KissContactmomentDetailsSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="`id` ontbreekt of is ongeldig."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="Onbekend contactmoment."),
        },
    )
    def get(self, request, *args, **kwargs):
        raw_id = query_param(request, "id")
        query = KissContactmomentDetailsQuerySerializer(data={} if raw_id is None else {"id": raw_id})
        if not query.is_valid():
            return Response(query.errors, status=400)
        details = contactmomentdetails_get(contactmoment=query.validated_data["id"])
        if details is None:
            # Upstream answers NotFound(); the frontend treats 404 as "no details".
            return Response({"title": "Geen contactmomentdetails gevonden.", "status": 404}, status=404)
        return Response(KissContactmomentDetailsSerializer(details, context={"request": request}).data)


class ContactmomentDetailsToevoegen(KissAPIView):
    """Upstream: Kiss.Bff/Intern/ContactmomentDetails/Features/ContactmomentDetailsToevoegen.cs,
    called by src/features/contact/contactmoment/write-contactmoment-details.ts."""

    roles_by_method = {"PUT": WRITE_ROLES}

    @extend_schema(
        operation_id="kiss_contactmomentdetails_toevoegen",
        tags=[TAG],
        summary="Contactmomentdetails opslaan (upsert op id)",
        description=(
            "Neemt de body van `writeContactmomentDetails` uit de KISS-frontend ongewijzigd aan: "
            "het klantcontact met alle velden plus `id` en `bronnen`. Onbekende velden (zoals "
            "`tekst` en `betrokkene`) worden genegeerd en nooit opgeslagen. Een bestaand record "
            "wordt vervangen, bronnen incluis. Rollen: kcm, beheerder."
        ),
        request=KissContactmomentDetailsWriteSerializer,
        responses={
            200: OpenApiResponse(description="Opgeslagen (lege body, zoals upstream)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Per ongeldig veld de reden."),
        },
    )
    def put(self, request, *args, **kwargs):
        try:
            data = kiss_write_validated(request.data)
        except ValidationError:
            # The serializer's own errors, edge cases (a body of null) included.
            serializer = KissContactmomentDetailsWriteSerializer(data=request.data)
            serializer.is_valid()
            return Response(serializer.errors, status=400)
        bronnen = data.pop("bronnen")
        if not isinstance(request.user, ApiClient):
            # A logged-in user: upstream stores User.GetEmail(), never a value from the body.
            data["emailadres_kcm"] = request.user.email
        contactmomentdetails_upsert(contactmoment=data.pop("contactmoment"), data=data, bronnen=bronnen)
        # Upstream returns Ok() without a body.
        return Response(status=200)


class ContactmomentDetailsView(ReadContactmomentDetails, ContactmomentDetailsToevoegen):
    """``/api/contactmomentdetails``: upstream serves GET and PUT from two controllers on one
    route; Django routes a URL to one view, so this combines the two use cases."""

    roles_by_method = {
        **ReadContactmomentDetails.roles_by_method,
        **ContactmomentDetailsToevoegen.roles_by_method,
    }


class ContactmomentDetailsRapportageOverzicht(ReplicaReadsMixin, KissAPIView):
    """Upstream: Kiss.Bff/Intern/ContactmomentDetails/Features/ContactmomentDetailsRapportageOverzicht.cs,
    documented in docs/manual/managementinformatie.md."""

    roles_by_method = {"GET": {Rol.ANALIST, Rol.BEHEERDER}}

    @extend_schema(
        operation_id="kiss_contactmomentendetails_rapportage",
        tags=[TAG],
        summary="Managementinformatie: contactmomentdetails per periode",
        description=(
            "Zoals upstream KISS (ContactmomentDetailsRapportageOverzicht): records met "
            "`from <= startdatum <= to`, nieuwste eerst, gepagineerd. Parameternamen zijn "
            "hoofdletterongevoelig. Authenticatie met een JWT (`Authorization: Bearer`, "
            "ondertekend met MANAGEMENTINFORMATIE_API_KEY) of een API-token. Rollen: analist, beheerder."
        ),
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATETIME,
                required=True,
                description=(
                    "Begin van de periode (ISO 8601, bijv. 2024-10-01T00:00:00Z; ook met fracties of offset)."
                ),
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, required=True, description="Einde van de periode (inclusief)."
            ),
            OpenApiParameter(
                "pageSize",
                OpenApiTypes.INT,
                description=f"Aantal per pagina, 1 t/m {MAX_PAGE_SIZE} (standaard).",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description="Paginanummer, vanaf 1 (standaard 1)."),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description=(
                    "Alleen uit de `next`-link: laat de volgende pagina verder lezen waar de vorige "
                    "ophield (even snel op elke diepte). Zonder cursor geldt `page`."
                ),
            ),
        ],
        responses={
            200: KissRapportagePageSerializer,
            (400, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Ongeldige parameter; de tekst zegt welke.",
                examples=[OpenApiExample("datum", value=MESSAGE_DATUM)],
            ),
            404: OpenApiResponse(KissProblemSerializer, description="Pagina voorbij de laatste."),
        },
    )
    def get(self, request, *args, **kwargs):
        raw_from, raw_to = query_param(request, "from"), query_param(request, "to")
        start, end = parse_rapportage_datetime(raw_from), parse_rapportage_datetime(raw_to)
        if start is None or end is None:
            return _plain_text(MESSAGE_DATUM, 400)
        page_size = _parse_int(query_param(request, "pageSize"), default=MAX_PAGE_SIZE)
        if page_size is None or not 1 <= page_size <= MAX_PAGE_SIZE:
            return _plain_text(MESSAGE_PAGINAGROOTTE, 400)
        page = _parse_int(query_param(request, "page"), default=1)
        if page is None or page < 1:
            return _plain_text(MESSAGE_PAGINANUMMER, 400)

        # A cursor only speeds up a walk (contactmomenten.paging); one that does not fit is
        # ignored, as upstream ignores unknown parameters.
        cursor = query_param(request, "cursor")
        role = user_role(request.user)
        page_of = partial(
            contactmomentdetails_rapportage_page,
            start=start,
            end=end,
            role=role,
            page=page,
            page_size=page_size,
            consume=page_chunks(kiss_record),
        )
        try:
            result = page_of(cursor=cursor)
        except InvalidCursor:
            result = page_of(cursor=None)
        page_count = -(-result.count // page_size)
        if result.count and page > page_count:
            return Response(
                {
                    "title": f"Ongeldige pagina. Totaal aantal pagina's gaat tot maximaal {page_count}.",
                    "instance": f"urn:uuid:{uuid.uuid4()}",
                },
                status=404,
            )

        def page_url(number: int, cursor: str | None = None) -> str:
            # Upstream: scheme://host/path plus from, to, pageSize and page (first, in this
            # order); request.scheme follows X-Forwarded-Proto when USE_X_FORWARDED_PROTO is on.
            # Our cursor comes last.
            query = {"from": raw_from, "to": raw_to, "pageSize": page_size, "page": number}
            if cursor:
                query["cursor"] = cursor
            return f"{request.build_absolute_uri(request.path)}?{urlencode(query)}"

        header = {
            "count": result.count,
            "next": page_url(page + 1, result.next_cursor) if page * page_size < result.count else None,
            "previous": page_url(page - 1) if page > 1 else None,
        }
        return page_response(header, result.rows)


class GetFaq(ReplicaReadsMixin, KissAPIView):
    """Upstream: Kiss.Bff/Intern/Faq/GetFaq.cs (the rule is ``selectors.faq_vragen``)."""

    roles_by_method = {"GET": READ_ROLES}

    @extend_schema(
        operation_id="kiss_faq",
        tags=[TAG],
        summary="Meest gestelde vragen",
        description=(
            f"Zoals upstream KISS (GetFaq): de {FAQ_AANTAL} vaakst gestelde vragen (niet leeg) "
            f"onder de {FAQ_VENSTER} contactmomentdetails met de laatste einddatum, de vaakste "
            "eerst (bij gelijke aantallen alfabetisch), als lijst van teksten. Rollen: kcm, "
            "analist, beheerder."
        ),
        responses={
            200: OpenApiResponse(
                build_array_type(build_basic_type(OpenApiTypes.STR)),
                description="De vragen, de vaakste eerst.",
                examples=[OpenApiExample("Vragen", value=["Paspoort aanvragen", "Afval ophalen"])],
            )
        },
    )
    def get(self, request, *args, **kwargs):
        return Response(faq_vragen())
