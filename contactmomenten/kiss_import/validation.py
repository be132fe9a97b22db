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
from django.core.validators import MaxLengthValidator

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


class _Rules:
    """The rules of one model field. ``field.clean()`` decides and words every refusal; a
    value within ``max_length`` of a field without choices or other validators passes
    ``clean()`` by construction, so it skips the call (a million rows, ten fields each)."""

    __slots__ = ("fast", "field", "label", "max_length", "passed")
    REMEMBER = 100_000  # values that passed clean(), e.g. the few hundred KCM e-mail addresses

    def __init__(self, field, label: str | None = None):
        self.field = field
        self.label = label or str(field.verbose_name)
        self.max_length = field.max_length
        others = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        self.fast = not others and not field.choices
        self.passed: set[str] = set()

    def check(self, value: str, reasons: list[str]) -> None:
        if self.fast and value and (self.max_length is None or len(value) <= self.max_length):
            return
        if value in self.passed:
            return
        try:
            self.field.clean(value, None)
        except ValidationError as error:
            reasons.extend(f"{self.label}: {message}" for message in error.messages)
        else:
            if len(self.passed) < self.REMEMBER:
                self.passed.add(value)


_TEXT_RULES = {column: _Rules(_field(name)) for column, name in TEXT_FIELDS.items()}
_BRON_RULES = [_Rules(Bron._meta.get_field(name)) for name in ("soort", "titel", "url")]
_DATE_LABELS = {column: str(_field(name).verbose_name) for column, name in DATE_FIELDS.items()}


@dataclass(frozen=True, slots=True)
class Record:
    """An accepted upstream row as this service stores it."""

    contactmoment: str
    fields: dict  # field name -> value, the upstream fields only (contactmoment excluded)
    bronnen: tuple[tuple[str, str, str], ...]  # (soort, titel, url), in upstream order


def _datetime(column: str, text: str | None, reasons: list[str]) -> datetime | None:
    label = _DATE_LABELS[column]
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
    found: list[str] = []
    for rules, value in zip(_BRON_RULES, (bron.soort, bron.titel, bron.url), strict=True):
        rules.check(value, found)
    reasons.extend(f"bron {number} {reason}" for reason in found)


def record_fields(columns) -> tuple[str, ...]:
    """The model fields a ``Record.fields`` holds for a source with ``columns``."""
    names = [name for column, name in TEXT_FIELDS.items() if column in columns and name != "contactmoment"]
    return (*names, *DATE_FIELDS.values())


def record_validate(row: SourceRow) -> Record | list[str]:
    """The record to store for ``row``, or the reasons (Dutch) why this service refuses it."""
    reasons: list[str] = []
    fields = {}
    for column, name in TEXT_FIELDS.items():
        if column not in row.values:
            continue  # an optional column this source does not have
        value = row.values[column] or ""
        if value:
            _TEXT_RULES[column].check(value, reasons)
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
