"""Optimistic concurrency of /api/v1 (RFC 9110 section 13): ``ETag`` and ``If-Match``.

A single-record response carries the record's version (``ContactmomentDetails.versie``) as a
strong ``ETag``. A client that wants to be sure it does not overwrite a change it has not
seen sends it back as ``If-Match`` on PUT, PATCH or DELETE; the services compare it under the
row lock (``contactmomenten.services``), and a version the record no longer has is a 412.
Without ``If-Match`` a write behaves as before. Also the OpenAPI parameters that document it.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from contactmomenten.models import ContactmomentDetails

IF_MATCH_HEADER = "If-Match"


def etag(details: ContactmomentDetails) -> str:
    """The strong ETag of ``details``: its version, quoted."""
    return f'"{details.versie}"'


def if_match_versions(request) -> frozenset[str] | None:
    """The versions an ``If-Match`` header of ``request`` accepts, or None: write any version.

    ``*`` (any current representation) and no header both mean None. Weak tags (``W/"..."``)
    never match under the strong comparison If-Match uses, and neither does a value that is
    no entity tag at all: a header with only those accepts no version (so: 412).
    """
    header = request.headers.get(IF_MATCH_HEADER)
    if header is None or header.strip() == "*":
        return None
    tags = (tag.strip() for tag in header.split(","))
    return frozenset(tag[1:-1] for tag in tags if len(tag) >= 2 and tag[0] == tag[-1] == '"')


ETAG_RESPONSE_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=(
        "Versie van dit record (een sterke entity tag). Verandert bij elke wijziging; stuur hem "
        "mee als If-Match om niet over een wijziging van een ander heen te schrijven."
    ),
)
IF_MATCH_PARAMETER = OpenApiParameter(
    IF_MATCH_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        'Optioneel: de ETag(s) van de versie die u las, bijvoorbeeld "1764717700123456". Heeft het '
        "record intussen een andere versie, dan wijzigt of verwijdert deze aanvraag niets en is het "
        "antwoord 412. Zonder If-Match (of met *) wordt altijd geschreven."
    ),
)
