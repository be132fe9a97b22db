"""The aggregates behind the admin dashboard "Managementinformatie": a fixed, small number of
GROUP BY queries over the filtered contactmomentdetails, whatever the number of rows.

Rows are keyed as the statistics API names them (``dag``, ``week``, ``uur``, ``weekdag``,
``verantwoordelijkeAfdeling``, ``kanaal``, ``vraag``, ``kpiCategorie``, ``aantal``,
``gemiddeldeGespreksduur``, ``mediaanGespreksduur``, ``aantalGesprekken``; durations in
seconds). Periods are bucketed in Europe/Amsterdam time; weeks are ISO weeks (Monday).
The median uses ``percentile_cont`` on PostgreSQL; other databases give None for it.

The KPI category of a gespreksresultaat (eerstelijns, doorverbonden, contactverzoek, overig)
follows KISS's default resultaten (``KPI_CATEGORIEEN``), matched exactly after trimming; a
value without a category counts as overig and is listed by ``ongemapte_resultaten``.
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Extract,
    ExtractHour,
    ExtractIsoWeekDay,
    Trim,
    TruncDate,
    TruncWeek,
)

from contactmomenten.models import GESPREKSDUUR

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

EERSTELIJNS, DOORVERBONDEN, CONTACTVERZOEK, OVERIG = (
    "eerstelijns",
    "doorverbonden",
    "contactverzoek",
    "overig",
)
KPI_VOLGORDE = (EERSTELIJNS, DOORVERBONDEN, CONTACTVERZOEK, OVERIG)
KPI_CATEGORIEEN = {
    "Zelfstandig afgehandeld": EERSTELIJNS,
    "Afgehandeld na ruggespraak": EERSTELIJNS,
    "Afgehandeld, klant belt terug": EERSTELIJNS,
    "Doorverbonden naar afdeling": DOORVERBONDEN,
    "Doorverbonden naar collega": DOORVERBONDEN,
    "Verwezen naar ander instantie": DOORVERBONDEN,
    "Contactverzoek gemaakt": CONTACTVERZOEK,
    "Onbekend": OVERIG,
    "Verbinding verbroken": OVERIG,
    "Klant neemt opnieuw contact op": OVERIG,
}

# Upper bounds (seconds, exclusive) of the duration histogram's bins; the last bin is open.
HISTOGRAM_GRENZEN = (60, 120, 180, 240, 300, 420, 600, 900, 1200, 1800)


class Mediaan(Aggregate):
    """The median (``percentile_cont(0.5)``) of a numeric expression, PostgreSQL only."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _seconden():
    return Extract(GESPREKSDUUR, "epoch")


def _kpi_categorie():
    resultaat = Trim("gespreksresultaat")
    whens = [
        When(
            kiss_resultaat__in=[r for r, c in KPI_CATEGORIEEN.items() if c == categorie],
            then=Value(categorie),
        )
        for categorie in KPI_VOLGORDE
    ]
    return resultaat, Case(*whens, default=Value(OVERIG), output_field=CharField())


def _with_kpi(queryset: QuerySet) -> QuerySet:
    resultaat, categorie = _kpi_categorie()
    return queryset.annotate(kiss_resultaat=resultaat).annotate(kiss_kpi=categorie)


def _gesprek():
    # A record without gespreksId is its own gesprek.
    return Coalesce("gespreks_id", Cast("id", CharField()), Value(""))


def _measures(postgres: bool) -> dict:
    measures = {
        "aantal": Count("id"),
        "gemiddeldeGespreksduur": Avg(_seconden(), output_field=FloatField()),
    }
    if postgres:
        measures["mediaanGespreksduur"] = Mediaan(_seconden())
    return measures


def _rows(queryset: QuerySet, keys: dict, *, order: Sequence[str], measures: dict) -> list[dict]:
    # Internal aliases: a key may share its name with a model field (kanaal, vraag).
    aliases = {f"kiss_{name}": expression for name, expression in keys.items()}
    ordering = [f"-kiss_{o[1:]}" if o[1:] in keys else f"kiss_{o}" if o in keys else o for o in order]
    found = queryset.order_by().annotate(**aliases).values(*aliases).annotate(**measures).order_by(*ordering)
    rows = [{name: row[f"kiss_{name}"] for name in keys} | {m: row[m] for m in measures} for row in found]
    for row in rows:
        for name in ("gemiddeldeGespreksduur", "mediaanGespreksduur"):
            if name in measures and row[name] is not None:
                row[name] = float(row[name])
    return rows


def dashboard_totalen(queryset: QuerySet) -> dict:
    """aantal, aantalGesprekken, gemiddeldeGespreksduur and aandeelEerstelijns (0-1): one query."""
    postgres = connections[queryset.db].vendor == "postgresql"
    totals = (
        _with_kpi(queryset)
        .order_by()
        .aggregate(
            aantal=Count("id"),
            aantalGesprekken=Count(_gesprek(), distinct=True),
            gemiddeldeGespreksduur=Avg(_seconden(), output_field=FloatField()),
            eerstelijns=Count("id", filter=_is(EERSTELIJNS)),
            **({"mediaanGespreksduur": Mediaan(_seconden())} if postgres else {}),
        )
    )
    aantal = totals["aantal"]
    totals["aandeelEerstelijns"] = totals.pop("eerstelijns") / aantal if aantal else None
    return totals


def _is(categorie: str) -> Q:
    return Q(kiss_kpi=categorie)


def dashboard_per_periode(queryset: QuerySet, periode: str) -> list[dict]:
    """aantal per ``dag`` or ``week`` (its Monday) and ``kpiCategorie``, periods ascending."""
    trunc = (
        TruncDate("startdatum", tzinfo=AMSTERDAM)
        if periode == "dag"
        else TruncWeek("startdatum", tzinfo=AMSTERDAM)
    )
    keys = {periode: trunc, "kpiCategorie": F("kiss_kpi")}
    rows = _rows(_with_kpi(queryset), keys, order=[periode, "kpiCategorie"], measures={"aantal": Count("id")})
    if periode == "week":  # the Monday, as a date
        for row in rows:
            row["week"] = row["week"].astimezone(AMSTERDAM).date()
    return rows


def dashboard_per_afdeling(queryset: QuerySet) -> list[dict]:
    """Per verantwoordelijkeAfdeling: aantal, average and median duration, and the aantal per
    KPI category (``eerstelijns`` ... ``overig``), by aantal descending."""
    postgres = connections[queryset.db].vendor == "postgresql"
    measures = {
        **_measures(postgres),
        **{categorie: Count("id", filter=_is(categorie)) for categorie in KPI_VOLGORDE},
    }
    keys = {"verantwoordelijkeAfdeling": F("verantwoordelijke_afdeling")}
    return _rows(_with_kpi(queryset), keys, order=["-aantal", "verantwoordelijkeAfdeling"], measures=measures)


def dashboard_drukte(queryset: QuerySet) -> list[dict]:
    """aantal per ``weekdag`` (1 = maandag) and ``uur`` (0-23), Europe/Amsterdam time."""
    keys = {
        "weekdag": ExtractIsoWeekDay("startdatum", tzinfo=AMSTERDAM),
        "uur": ExtractHour("startdatum", tzinfo=AMSTERDAM),
    }
    return _rows(queryset, keys, order=["weekdag", "uur"], measures={"aantal": Count("id")})


def dashboard_per_kanaal(queryset: QuerySet) -> list[dict]:
    """aantal per kanaal, by aantal descending."""
    keys = {"kanaal": F("kanaal")}
    return _rows(queryset, keys, order=["-aantal", "kanaal"], measures={"aantal": Count("id")})


def dashboard_top_vragen(queryset: QuerySet, limit: int = 20) -> list[dict]:
    """The ``limit`` most frequent vragen with aantal and average duration."""
    keys = {"vraag": F("vraag")}
    measures = {"aantal": Count("id"), "gemiddeldeGespreksduur": Avg(_seconden(), output_field=FloatField())}
    return _rows(queryset, keys, order=["-aantal", "vraag"], measures=measures)[:limit]


def gespreksduur_histogram(queryset: QuerySet, grenzen: Sequence[int] = HISTOGRAM_GRENZEN) -> list[dict]:
    """aantal per duration bin: ``vanSeconden`` (inclusive), ``totSeconden`` (exclusive, None for
    the last, open bin); every bin, empty ones too. One query."""
    seconden = _seconden()
    bin_expression = Case(
        *[When(kiss_seconden__lt=grens, then=Value(i)) for i, grens in enumerate(grenzen)],
        default=Value(len(grenzen)),
        output_field=IntegerField(),
    )
    counts = dict(
        queryset.order_by()
        .annotate(kiss_seconden=seconden)
        .annotate(kiss_bin=bin_expression)
        .values("kiss_bin")
        .annotate(aantal=Count("id"))
        .values_list("kiss_bin", "aantal")
    )
    bounds = [0, *grenzen, None]
    return [
        {"vanSeconden": bounds[i], "totSeconden": bounds[i + 1], "aantal": counts.get(i, 0)}
        for i in range(len(grenzen) + 1)
    ]


def ongemapte_resultaten(queryset: QuerySet) -> list[dict]:
    """gespreksresultaat values without a KPI category, with their aantal (most frequent first)."""
    rows = (
        queryset.order_by()
        .annotate(kiss_resultaat=Trim("gespreksresultaat"))
        .exclude(kiss_resultaat__in=list(KPI_CATEGORIEEN))
        .values(resultaat=F("kiss_resultaat"))
        .annotate(aantal=Count("id"))
        .order_by("-aantal", "resultaat")
    )
    return [{"gespreksresultaat": row["resultaat"], "aantal": row["aantal"]} for row in rows]
