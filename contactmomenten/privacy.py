"""Which role sees which field of a contactmomentdetails: the one privacy policy (AVG).

Every read path — the admin (list search, change form, history), the exports, /api/v1, the
KISS endpoints and the statistics — asks this module what a role may see, filter and list;
none decides it itself. The personal data in a record is ``emailadres_kcm`` (staff: who
handled the contact) and ``specifieke_vraag`` (may hold a citizen's data; limited in time by
``manage.py apply_retention``).

The policy:

- ``beheerder`` and ``kcm`` see every field (kcm is KISS itself: it wrote the record).
- ``analist`` (also JWT clients of the KISS management endpoint) sees ``emailadres_kcm`` as
  the setting ``EMAILADRES_KCM_VOOR_ANALIST`` says: ``weglaten`` (default, privacy by
  default: the field is null/empty), ``pseudoniem`` (a stable keyed hash, HMAC-SHA256 with
  ``EMAILADRES_KCM_PSEUDONIEM_SLEUTEL``, written ``<16 hex>@pseudoniem.invalid``: workload
  can be compared, nobody named) or ``tonen`` (needs the works council's consent and a DPIA).
  Any other role, or none, gets ``weglaten``.
- Filtering or searching on a field needs that field shown (plain or pseudonym): with
  ``pseudoniem`` an analist filters on the pseudonym, never on the address itself.
- ``kcm`` lists only one conversation: the /api/v1 list needs a ``contactmoment`` or
  ``gespreksId`` filter.

Public API (field names are model field names):

- ``visibility(role, field)`` → ``TONEN`` | ``PSEUDONIEM`` | ``WEGLATEN``
- ``shown(role, field, value)`` → the value a Python read path shows (None: left out)
- ``expression(role, field)`` → the same as a query expression for ``annotate``/``values``
  (and so for SQL exports), on PostgreSQL (no extension needed) and SQLite
- ``queryset_filter(queryset, role, field, value)`` → records whose *shown* value is
  ``value`` (case-insensitive); none when the role may not see the field
- ``pseudonym(value)`` → the pseudonym of one value
- ``list_refusal(role, params)`` → the Dutch reason a role may not list with these query
  parameters, or None
"""

import hashlib
import hmac

from django.conf import settings
from django.db.models import Case, CharField, F, Func, QuerySet, Value, When

from contactmomenten.constants import Rol

TONEN = "tonen"
PSEUDONIEM = "pseudoniem"
WEGLATEN = "weglaten"
EMAILADRES_KCM_KEUZES = (WEGLATEN, PSEUDONIEM, TONEN)

# Fields whose visibility depends on the role; every other field is shown to every reader.
_GOVERNED = {"emailadres_kcm": "EMAILADRES_KCM_VOOR_ANALIST"}
# Roles that see governed fields as they are stored.
_SEES_ALL = frozenset({Rol.BEHEERDER, Rol.KCM})

PSEUDONIEM_DOMEIN = "@pseudoniem.invalid"  # RFC 2606: .invalid never resolves
_PSEUDONIEM_HEX = 16  # 64 bits: no collisions among a municipality's staff

# The filters that narrow a list to one conversation (the kcm role's scope).
GESPREK_FILTERS = ("contactmoment", "gespreksId")
KCM_LIJST_WEIGERING = (
    "Met de rol kcm vraagt u alleen de vragen van één gesprek op: geef het filter "
    "contactmoment of gespreksId mee."
)


def visibility(role: str | None, field: str) -> str:
    """How ``role`` sees ``field``: TONEN, PSEUDONIEM or WEGLATEN."""
    if field not in _GOVERNED or role in _SEES_ALL:
        return TONEN
    if role == Rol.ANALIST:
        return getattr(settings, _GOVERNED[field])
    return WEGLATEN


def _key() -> bytes:
    return settings.EMAILADRES_KCM_PSEUDONIEM_SLEUTEL.encode()


def _pseudonym(key: bytes, value: str | None) -> str | None:
    if not value:
        return value
    digest = hmac.new(key, value.lower().encode(), hashlib.sha256).hexdigest()
    return digest[:_PSEUDONIEM_HEX] + PSEUDONIEM_DOMEIN


def pseudonym(value: str) -> str:
    """``<16 hex of HMAC-SHA256(key, lower(value))>@pseudoniem.invalid``; '' stays ''."""
    return _pseudonym(_key(), value)


def shown(role: str | None, field: str, value):
    """The value of ``field`` that ``role`` sees (None when it is left out)."""
    mode = visibility(role, field)
    if mode == TONEN:
        return value
    if mode == PSEUDONIEM:
        return pseudonym(value)
    return None


class _Pseudonym(Func):
    """SQL for :func:`pseudonym`. PostgreSQL: HMAC from its built-in ``sha256()`` (RFC 2104,
    the padded key computed here), so no extension is needed; SQLite: a function registered
    on each connection (``sqlite_functions_register``)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other backends
        raise NotImplementedError(f"Pseudoniemen in SQL: niet voor {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        key = _key()
        if len(key) > hashlib.sha256().block_size:
            key = hashlib.sha256(key).digest()
        key = key.ljust(hashlib.sha256().block_size, b"\0")
        outer, inner = (bytes(b ^ pad for b in key).hex() for pad in (0x5C, 0x36))
        return (
            f"(substr(encode(sha256(decode(%s, 'hex') || sha256(decode(%s, 'hex') || "
            f"convert_to(lower({sql}), 'UTF8'))), 'hex'), 1, {_PSEUDONIEM_HEX}) || %s)",
            [outer, inner, *params, PSEUDONIEM_DOMEIN],
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"kiss_pseudoniem({sql}, %s)", [*params, _key().hex()]


def _sqlite_pseudonym(value, key_hex):
    return _pseudonym(bytes.fromhex(key_hex), value)


def sqlite_functions_register(sender, connection, **kwargs):
    """``connection_created`` receiver: SQLite learns ``kiss_pseudoniem`` (see apps.py)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("kiss_pseudoniem", 2, _sqlite_pseudonym, deterministic=True)


def expression(role: str | None, field: str):
    """A query expression for the value of ``field`` that ``role`` sees (NULL: left out)."""
    mode = visibility(role, field)
    if mode == TONEN:
        return F(field)
    if mode == PSEUDONIEM:
        empty = When(**{field: ""}, then=Value(""))
        return Case(empty, default=_Pseudonym(F(field)), output_field=CharField())
    return Value(None, output_field=CharField())


def queryset_filter(queryset: QuerySet, role: str | None, field: str, value: str) -> QuerySet:
    """The records whose value of ``field``, as ``role`` sees it, is ``value`` (ignoring case)."""
    mode = visibility(role, field)
    if mode == TONEN:
        return queryset.filter(**{f"{field}__iexact": value})
    if mode == PSEUDONIEM:
        alias = f"_{field}_pseudoniem"
        return queryset.alias(**{alias: expression(role, field)}).filter(**{alias: value.strip().lower()})
    return queryset.none()


def may_query(role: str | None, field: str) -> bool:
    """Whether ``role`` may filter or search on ``field`` (it sees it, plain or pseudonym)."""
    return visibility(role, field) != WEGLATEN


def list_refusal(role: str | None, params) -> str | None:
    """Why ``role`` may not list records with query parameters ``params``, or None."""
    if role == Rol.KCM and not any(params.get(name) for name in GESPREK_FILTERS):
        return KCM_LIJST_WEIGERING
    return None


__all__ = [
    "EMAILADRES_KCM_KEUZES",
    "PSEUDONIEM",
    "TONEN",
    "WEGLATEN",
    "expression",
    "list_refusal",
    "may_query",
    "pseudonym",
    "queryset_filter",
    "shown",
    "visibility",
]
