"""Page bodies of the two list endpoints, written without DRF serializer fields.

Through DRF's serializer fields a record costs about 250 µs; a 5000-record page here is a list
of ``.values()`` rows (``selectors.PAGE_FIELDS``, bronnen attached) that each face turns into
plain dicts, encoded by orjson in chunks and streamed. The bytes equal what the serializers
(``KissContactmomentDetailsSerializer``, ``ContactmomentDetailsSerializer``) and DRF's
JSONRenderer would write: tests/api/test_pages.py compares them record by record.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from datetime import timezone as fixed_offset
from itertools import islice

import orjson
from django.http import StreamingHttpResponse
from django.utils import timezone

# Records encoded per chunk of the streamed body.
CHUNK = 500


def _escape_line_separators(body: bytes) -> bytes:
    # As DRF's JSONRenderer: U+2028/U+2029 are valid JSON but end a line in JavaScript.
    if b"\xe2\x80" in body:
        body = body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
    return body


def page_chunks(record: Callable[[dict], dict]) -> Callable[[Iterable[dict]], list[bytes]]:
    """A ``consume`` for the page selectors: the rows written by ``record`` as JSON, in
    chunks of ``CHUNK`` records (each a comma-separated run of objects), while they arrive."""

    def encode(rows: Iterable[dict]) -> list[bytes]:
        iterator = iter(rows)
        chunks = []
        while chunk := [record(row) for row in islice(iterator, CHUNK)]:
            chunks.append(_escape_line_separators(orjson.dumps(chunk)[1:-1]))
        return chunks

    return encode


def page_response(header: dict, chunks: list[bytes]) -> StreamingHttpResponse:
    """``{**header, "results": [...]}`` of the ``page_chunks`` of a page, streamed."""

    def body():
        yield _escape_line_separators(orjson.dumps(header)[:-1]) + b',"results":['
        yield b",".join(chunks)
        yield b"]}"

    return StreamingHttpResponse(body(), content_type="application/json")


def kiss_record(row: dict) -> dict:
    """A record as ``KissContactmomentDetailsSerializer`` writes it: UTC times with a numeric
    offset, null for empty optional strings (upstream stores null)."""
    return {
        "id": row["contactmoment"],
        "startdatum": row["startdatum"].astimezone(UTC),
        "einddatum": row["einddatum"].astimezone(UTC),
        "gespreksresultaat": row["gespreksresultaat"] or None,
        "vraag": row["vraag"] or None,
        "specifiekeVraag": row["specifieke_vraag"] or None,
        "emailadresKcm": row["emailadres"] or None,
        "verantwoordelijkeAfdeling": row["verantwoordelijke_afdeling"] or None,
        "gespreksId": row["gespreks_id"] or None,
        "kanaal": row["kanaal"] or None,
        "bronnen": row["bronnen"],
    }


def _v1_datetime(value: datetime, zone):
    """As ``serializers.DateTimeField``: local time, 'Z' for UTC, UTC where the local offset
    has seconds (Amsterdam Mean Time)."""
    local = value.astimezone(zone)
    offset = local.utcoffset()
    if offset.seconds % 60:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if not offset:
        return local.isoformat()[:-6] + "Z"
    return local


class _LocalTimes:
    """``_v1_datetime`` with one time-zone lookup per UTC hour instead of one per value (a
    page holds 20,000 datetimes): an hour whose offset is the same at its start and end is
    written with that fixed offset; hours with a change, UTC itself ('Z') or an offset with
    seconds take ``_v1_datetime``."""

    def __init__(self, zone):
        self.zone = zone
        self.hours: dict[float, fixed_offset | None] = {}

    def _hour_offset(self, hour: float) -> fixed_offset | None:
        start = datetime.fromtimestamp(hour * 3600, UTC)
        first = start.astimezone(self.zone).utcoffset()
        last = (start + timedelta(seconds=3599, microseconds=999999)).astimezone(self.zone).utcoffset()
        if first != last or not first or first.seconds % 60:
            return None
        return fixed_offset(first)

    def __call__(self, value: datetime):
        hour = value.timestamp() // 3600
        try:
            offset = self.hours[hour]
        except KeyError:
            offset = self.hours[hour] = self._hour_offset(hour)
        return _v1_datetime(value, self.zone) if offset is None else value.astimezone(offset)


def v1_record_maker(detail_url: str, placeholder: str) -> Callable[[dict], dict]:
    """A function that writes a row as ``ContactmomentDetailsSerializer`` does; ``detail_url``
    is the absolute URL of a record whose uuid is ``placeholder``."""
    prefix, suffix = detail_url.split(placeholder)
    local = _LocalTimes(timezone.get_current_timezone())

    def v1_record(row: dict) -> dict:
        start, end, uuid = row["startdatum"], row["einddatum"], str(row["uuid"])
        return {
            "url": f"{prefix}{uuid}{suffix}",
            "uuid": uuid,
            "contactmoment": row["contactmoment"],
            "vraag": row["vraag"],
            "specifiekeVraag": row["specifieke_vraag"],
            "gespreksresultaat": row["gespreksresultaat"],
            "startdatum": local(start),
            "einddatum": local(end),
            "gespreksduur": int((end - start).total_seconds()),
            "verantwoordelijkeAfdeling": row["verantwoordelijke_afdeling"],
            "gespreksId": row["gespreks_id"],
            "kanaal": row["kanaal"],
            "emailadresKcm": row["emailadres"],
            "bronnen": row["bronnen"],
            "aangemaakt": local(row["aangemaakt"]),
            "gewijzigd": local(row["gewijzigd"]),
        }

    return v1_record
