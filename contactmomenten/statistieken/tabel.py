"""The statistics table: contactmomentdetails aggregated per group, in one database query.

``statistieken_tabel(queryset, groeperen, metingen, limit)`` groups the (already filtered)
queryset by up to two keys and computes the requested measures per group, or over all
records without keys. The filtered rows are the ORM's own SQL; around it one statement:

1. ``r``: the filtered records with their group keys (periods in Europe/Amsterdam), the
   trimmed gespreksresultaat and the gesprek they belong to;
2. ``d``: each record's KPI category (joined with the beheerder's mapping, unmapped is
   ``overig``) and its duration in seconds;
3. ``w``: per record the duration of its gesprek within the group, max(einddatum) -
   min(startdatum) over that gesprek's records (window functions), and a marker on one
   record per gesprek;
4. the GROUP BY with count, mean, ``percentile_cont`` (PostgreSQL) for median and p90,
   the KPI shares and the gesprek figures.

On SQLite the same statement runs with two functions registered on each connection
(``sqlite_functions_register``): durations and an exact percentile aggregate, slower but
with the same results. No row is ever loaded into Python.
"""

import math
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import CharField, F, FloatField, Func, QuerySet, Value
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractHour,
    ExtractIsoWeekDay,
    NullIf,
    Trim,
    TruncDate,
    TruncMonth,
    TruncWeek,
)

from contactmomenten.constants import KpiCategorie
from contactmomenten.models import GespreksresultaatCategorie

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

PERIODEN = ("dag", "week", "maand")
GROEPERINGEN = (
    *PERIODEN,
    "uur",
    "weekdag",
    "verantwoordelijkeAfdeling",
    "gespreksresultaat",
    "kpiCategorie",
    "kanaal",
    "bronSoort",
    "vraag",
)
MAX_GROEPERINGEN = 2
# The top-N grouping: rows by aantal (descending) instead of by their keys.
TOP_N = "vraag"
KPI_AANDELEN = {
    "aandeelEerstelijns": KpiCategorie.EERSTELIJNS,
    "aandeelDoorverbonden": KpiCategorie.DOORVERBONDEN,
    "aandeelContactverzoek": KpiCategorie.CONTACTVERZOEK,
}
GESPREK_METINGEN = ("aantalGesprekken", "vragenPerGesprek", "gemiddeldeGesprekDuur")
METINGEN = (
    "aantal",
    "gemiddeldeGespreksduur",
    "mediaanGespreksduur",
    "p90Gespreksduur",
    *KPI_AANDELEN,
    *GESPREK_METINGEN,
)
_PERCENTIELEN = {"mediaanGespreksduur": 0.5, "p90Gespreksduur": 0.9}
_DECIMALEN = 6  # floats are rounded: no 299.99999999 from epoch arithmetic


def _key_expressions() -> dict:
    """The ORM expression of every group key except kpiCategorie (that one is joined in SQL)."""
    return {
        "dag": TruncDate("startdatum", tzinfo=AMSTERDAM),
        "week": TruncWeek("startdatum", tzinfo=AMSTERDAM),
        "maand": TruncMonth("startdatum", tzinfo=AMSTERDAM),
        "uur": ExtractHour("startdatum", tzinfo=AMSTERDAM),
        "weekdag": ExtractIsoWeekDay("startdatum", tzinfo=AMSTERDAM),
        "verantwoordelijkeAfdeling": F("verantwoordelijke_afdeling"),
        "gespreksresultaat": Trim("gespreksresultaat"),
        "kanaal": F("kanaal"),
        # One row per record and soort (DISTINCT below); NULL for a record without bronnen.
        "bronSoort": F("bronnen__soort"),
        "vraag": F("vraag"),
    }


def gesprek_expression():
    """The gesprek of a record: its gespreksId, or the record itself when it has none ('#'
    cannot occur in a gespreksId, so the two never collide)."""
    return Coalesce(
        NullIf("gespreks_id", Value("")),
        Concat(Value("#"), Cast("id", CharField())),
        output_field=CharField(),
    )


def _seconden_sql(vendor: str, start: str, end: str) -> str:
    if vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))::float8"
    return f"kiss_seconden({start}, {end})"


class Seconden(Func):
    """einddatum - startdatum in seconds (a float), on PostgreSQL and SQLite."""

    output_field = FloatField()

    def __init__(self):
        super().__init__(F("startdatum"), F("einddatum"))

    def as_sql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return _seconden_sql(connection.vendor, start, end), [*start_params, *end_params]


def _percentiel_sql(vendor: str, fraction: float, column: str) -> str:
    if vendor == "postgresql":
        return f"percentile_cont({fraction}) WITHIN GROUP (ORDER BY {column})"
    return f"kiss_percentiel({column}, {fraction})"


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _key_value(name: str, value):
    if value is None:
        return None
    if name in PERIODEN:
        return _as_date(value)
    if name in ("uur", "weekdag"):
        return int(value)
    return value


def _number(value):
    if value is None:
        return None
    return round(float(value), _DECIMALEN) if isinstance(value, float | Decimal) else value


def statistieken_tabel(
    queryset: QuerySet, groeperen=(), metingen=METINGEN, limit: int | None = None
) -> list[dict]:
    """Rows ``{<key>: value, ..., <meting>: value}`` per group of ``groeperen`` (at most two
    of ``GROEPERINGEN``), ordered by the keys (periods ascending), or by aantal descending
    when grouped by vraag; ``limit`` cuts the rows. Without keys: one row of totals.

    Key values: dag, week (its Monday) and maand (its first day) as dates, uur (0-23) and
    weekdag (1 = maandag) as ints, others as text. Durations in seconds, shares 0-1.
    """
    groeperen, metingen = list(groeperen), [m for m in METINGEN if m in metingen]
    unknown = set(groeperen) - set(GROEPERINGEN) or set(metingen) - set(METINGEN)
    if unknown or len(groeperen) > MAX_GROEPERINGEN or len(set(groeperen)) != len(groeperen):
        raise ValueError(f"groeperen {groeperen!r} / metingen {metingen!r}")
    db = queryset.db
    vendor = connections[db].vendor
    expressions = _key_expressions()
    orm_keys = {f"kiss_k{i}": expressions[name] for i, name in enumerate(groeperen) if name != "kpiCategorie"}
    inner = (
        queryset.order_by()
        .annotate(**orm_keys, kiss_resultaat=Trim("gespreksresultaat"), kiss_gesprek=gesprek_expression())
        .values("id", *orm_keys, "kiss_resultaat", "kiss_gesprek", "startdatum", "einddatum")
    )
    if "bronSoort" in groeperen:
        inner = inner.distinct()
    inner_sql, params = inner.query.get_compiler(using=db).as_sql()
    params = list(params)

    keys = ["kiss_kpi" if name == "kpiCategorie" else f"kiss_k{i}" for i, name in enumerate(groeperen)]
    per_gesprek = any(m in GESPREK_METINGEN for m in metingen)
    sql = [f"WITH r AS ({inner_sql}), "]
    if "kpiCategorie" in groeperen or any(m in KPI_AANDELEN for m in metingen):
        mapping = connections[db].ops.quote_name(GespreksresultaatCategorie._meta.db_table)
        sql.append(
            f"d AS (SELECT r.*, COALESCE(m.categorie, %s) AS kiss_kpi, "
            f"{_seconden_sql(vendor, 'r.startdatum', 'r.einddatum')} AS kiss_sec "
            f"FROM r LEFT JOIN {mapping} m ON m.resultaat = r.kiss_resultaat)"
        )
        params.append(str(KpiCategorie.OVERIG))
    else:
        sql.append(
            f"d AS (SELECT r.*, {_seconden_sql(vendor, 'r.startdatum', 'r.einddatum')} AS kiss_sec FROM r)"
        )
    if per_gesprek:
        partition = f"PARTITION BY {', '.join([*keys, 'kiss_gesprek'])}"
        gesprek_duur = _seconden_sql(
            vendor, f"MIN(startdatum) OVER ({partition})", f"MAX(einddatum) OVER ({partition})"
        )
        sql.append(
            f", w AS (SELECT d.*, ROW_NUMBER() OVER ({partition}) AS kiss_rn, {gesprek_duur} AS kiss_gduur "
            "FROM d)"
        )

    columns = []
    for meting in metingen:
        if meting == "aantal":
            columns.append("COUNT(*)")
        elif meting == "gemiddeldeGespreksduur":
            columns.append("AVG(kiss_sec)")
        elif meting in _PERCENTIELEN:
            columns.append(_percentiel_sql(vendor, _PERCENTIELEN[meting], "kiss_sec"))
        elif meting in KPI_AANDELEN:
            columns.append("AVG(CASE WHEN kiss_kpi = %s THEN 1.0 ELSE 0.0 END)")
            params.append(str(KPI_AANDELEN[meting]))
    if per_gesprek:
        columns += [
            "COUNT(*)",
            "SUM(CASE WHEN kiss_rn = 1 THEN 1 ELSE 0 END)",
            "AVG(CASE WHEN kiss_rn = 1 THEN kiss_gduur END)",
        ]
    sql.append(f" SELECT {', '.join([*keys, *columns])} FROM {'w' if per_gesprek else 'd'}")
    if keys:
        sql.append(f" GROUP BY {', '.join(keys)}")
        by_keys = [f"({k} IS NULL), {k}" for k in keys]
        if TOP_N in groeperen:
            by_keys.insert(0, "COUNT(*) DESC")
        sql.append(f" ORDER BY {', '.join(by_keys)}")
        if limit is not None:
            sql.append(" LIMIT %s")
            params.append(int(limit))

    with connections[db].cursor() as cursor:
        cursor.execute("".join(sql), params)
        found = cursor.fetchall()

    plain = [m for m in metingen if m not in GESPREK_METINGEN]
    rows = []
    for record in found:
        key_values, values = record[: len(keys)], record[len(keys) :]
        row = {name: _key_value(name, v) for name, v in zip(groeperen, key_values, strict=True)}
        measured = dict(zip(plain, values, strict=False))
        if per_gesprek:
            aantal, gesprekken, gesprek_duur = values[-3:]
            gesprekken = int(gesprekken or 0)
            measured |= {
                "aantalGesprekken": gesprekken,
                "vragenPerGesprek": aantal / gesprekken if gesprekken else None,
                "gemiddeldeGesprekDuur": gesprek_duur,
            }
        row |= {m: _number(measured[m]) for m in metingen}
        if "aantal" in row:
            row["aantal"] = int(row["aantal"])
        rows.append(row)
    return rows


class _Percentiel:
    """SQLite aggregate ``kiss_percentiel(value, fraction)``: PostgreSQL's percentile_cont."""

    def __init__(self):
        self.values, self.fraction = [], None

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.fraction
        lower = math.floor(position)
        upper = min(lower + 1, len(values) - 1)
        return values[lower] + (position - lower) * (values[upper] - values[lower])


def _sqlite_seconden(start, end):
    if start is None or end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def sqlite_functions_register(sender, connection, **kwargs):
    """``connection_created`` receiver: SQLite learns kiss_seconden and kiss_percentiel."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("kiss_seconden", 2, _sqlite_seconden, deterministic=True)
        connection.connection.create_aggregate("kiss_percentiel", 2, _Percentiel)
