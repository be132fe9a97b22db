"""Which upstream rows this service accepts, by the model's own rules.

Upstream KISS never checked its input, so its tables hold ``0001-01-01`` dates (.NET's
``DateTimeOffset.MinValue``: a missing date), an einddatum before the startdatum, texts
longer than our fields. Such a row is neither dropped nor repaired: ``record_validate``
returns the reasons, and the import writes the row to the rejects file. Every rule comes
from ``contactmomenten.models``: each field's ``clean()`` (its length, blank and format
validators) and ``einddatum_valid`` with its message, the rule of the database constraint.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from contactmomenten.constants import MAX_BRONNEN
from contactmomenten.kiss_import.source import SourceBron, SourceRow
from contactmomenten.models import EINDDATUM_VOOR_STARTDATUM, Bron, ContactmomentDetails, einddatum_valid

# Upstream column -> field of ContactmomentDetails (NULL becomes "", as the PUT stores it).
TEXT_FIELDS = {
    "Id": "contactmoment",
    "Gespreksresultaat": "gespreksresultaat",
    "Vraag": "vraag",
    "SpecifiekeVraag": "specifieke_vraag",
    "EmailadresKcm": "emailadres_kcm",
    "VerantwoordelijkeAfdeling": "verantwoordelijke_afdeling",
    "GespreksId": "gespreks_id",
}
DATE_FIELDS = {"Startdatum": "startdatum", "Einddatum": "einddatum"}
_MISSING_DATE = date(1, 1, 1)
_field = ContactmomentDetails._meta.get_field
_BRON_FIELDS = [Bron._meta.get_field(name) for name in ("soort", "titel", "url")]


@dataclass(frozen=True, slots=True)
class Record:
    """An accepted upstream row as this service stores it."""

    contactmoment: str
    fields: dict  # field name -> value, the upstream fields only (contactmoment excluded)
    bronnen: tuple[tuple[str, str, str], ...]  # (soort, titel, url), in upstream order


def _errors(field, value, label: str, reasons: list[str]) -> None:
    try:
        field.clean(value, None)
    except ValidationError as error:
        reasons.extend(f"{label}: {message}" for message in error.messages)


def _datetime(column: str, text: str | None, reasons: list[str]) -> datetime | None:
    label = str(_field(DATE_FIELDS[column]).verbose_name)
    if text is None:
        reasons.append(f"{label} ontbreekt")
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        reasons.append(f"{label} is geen geldige datum ({text})")
        return None
    if value.date() == _MISSING_DATE:
        reasons.append(f"{label} ontbreekt (0001-01-01)")
        return None
    return value


def _bron_errors(number: int, bron: SourceBron, reasons: list[str]) -> None:
    for field, value in zip(_BRON_FIELDS, (bron.soort, bron.titel, bron.url), strict=True):
        _errors(field, value, f"bron {number} {field.verbose_name}", reasons)


def record_validate(row: SourceRow) -> Record | list[str]:
    """The record to store for ``row``, or the reasons (Dutch) why this service refuses it."""
    reasons: list[str] = []
    fields = {}
    for column, name in TEXT_FIELDS.items():
        if column not in row.values:
            continue  # an optional column this source does not have
        value = row.values[column] or ""
        if value:
            _errors(_field(name), value, str(_field(name).verbose_name), reasons)
        elif name == "contactmoment":
            reasons.append("Id ontbreekt")
        fields[name] = value
    for column, name in DATE_FIELDS.items():
        fields[name] = _datetime(column, row.values[column], reasons)
    if (
        fields["startdatum"]
        and fields["einddatum"]
        and not einddatum_valid(fields["startdatum"], fields["einddatum"])
    ):
        reasons.append(EINDDATUM_VOOR_STARTDATUM)
    if len(row.bronnen) > MAX_BRONNEN:
        reasons.append(f"meer dan {MAX_BRONNEN} bronnen ({len(row.bronnen)})")
    for number, bron in enumerate(row.bronnen, start=1):
        _bron_errors(number, bron, reasons)
    if reasons:
        return reasons
    contactmoment = fields.pop("contactmoment")
    return Record(contactmoment, fields, tuple((b.soort, b.titel, b.url) for b in row.bronnen))
