"""The aggregates behind the admin dashboard "Managementinformatie": each one call of
``statistieken_tabel`` (the same GROUP BY as ``GET /api/v1/statistieken``) with the keys and
measures that chart needs, plus the two figures the API does not offer (the histogram of
durations and the gespreksresultaten without a KPI category). A fixed, small number of
queries, whatever the number of rows.
"""

from collections.abc import Sequence

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Trim

from contactmomenten.constants import KpiCategorie
from contactmomenten.models import GespreksresultaatCategorie
from contactmomenten.statistieken.tabel import KPI_AANDELEN, Seconden, statistieken_tabel

# Upper bounds (seconds, exclusive) of the duration histogram's bins; the last bin is open.
HISTOGRAM_GRENZEN = (60, 120, 180, 240, 300, 420, 600, 900, 1200, 1800)
AANDEEL_PER_CATEGORIE = {str(categorie): aandeel for aandeel, categorie in KPI_AANDELEN.items()} | {
    str(KpiCategorie.OVERIG): "aandeelOverig"
}


def dashboard_totalen(queryset: QuerySet) -> dict:
    """aantal, aantalGesprekken, gemiddelde and mediaan gespreksduur, aandeelEerstelijns."""
    metingen = (
        "aantal",
        "aantalGesprekken",
        "gemiddeldeGespreksduur",
        "mediaanGespreksduur",
        "aandeelEerstelijns",
    )
    return statistieken_tabel(queryset, metingen=metingen)[0]


def dashboard_per_periode(queryset: QuerySet, periode: str) -> list[dict]:
    """aantal per ``dag`` or ``week`` (its Monday) and ``kpiCategorie``, periods ascending."""
    return statistieken_tabel(queryset, [periode, "kpiCategorie"], metingen=("aantal",))


def _by_aantal(rows: list[dict], key: str) -> list[dict]:
    return sorted(rows, key=lambda row: (-row["aantal"], row[key] is None, row[key] or ""))


def dashboard_per_afdeling(queryset: QuerySet) -> list[dict]:
    """Per verantwoordelijkeAfdeling: aantal, average and median duration and the share of
    each KPI category (``aandeelEerstelijns`` ... ``aandeelOverig``), by aantal descending."""
    metingen = ("aantal", "gemiddeldeGespreksduur", "mediaanGespreksduur", *KPI_AANDELEN)
    rows = statistieken_tabel(queryset, ["verantwoordelijkeAfdeling"], metingen=metingen)
    for row in rows:
        row["aandeelOverig"] = round(1 - sum(row[a] for a in KPI_AANDELEN), 6)
    return _by_aantal(rows, "verantwoordelijkeAfdeling")


def dashboard_drukte(queryset: QuerySet) -> list[dict]:
    """aantal per ``weekdag`` (1 = maandag) and ``uur`` (0-23), Europe/Amsterdam time."""
    return statistieken_tabel(queryset, ["weekdag", "uur"], metingen=("aantal",))


def dashboard_per_kanaal(queryset: QuerySet) -> list[dict]:
    """aantal per kanaal, by aantal descending."""
    return _by_aantal(statistieken_tabel(queryset, ["kanaal"], metingen=("aantal",)), "kanaal")


def dashboard_top_vragen(queryset: QuerySet, limit: int = 20) -> list[dict]:
    """The ``limit`` most frequent vragen with aantal and average duration."""
    return statistieken_tabel(queryset, ["vraag"], metingen=("aantal", "gemiddeldeGespreksduur"), limit=limit)


def gespreksduur_histogram(queryset: QuerySet, grenzen: Sequence[int] = HISTOGRAM_GRENZEN) -> list[dict]:
    """aantal per duration bin: ``vanSeconden`` (inclusive), ``totSeconden`` (exclusive, None for
    the last, open bin); every bin, empty ones too. One query."""
    bin_expression = Case(
        *[When(kiss_seconden__lt=grens, then=Value(i)) for i, grens in enumerate(grenzen)],
        default=Value(len(grenzen)),
        output_field=IntegerField(),
    )
    counts = dict(
        queryset.order_by()
        .annotate(kiss_seconden=Seconden())
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
    """gespreksresultaat values (trimmed) without a KPI category, with their aantal (most
    frequent first): they count as overig until a beheerder maps them."""
    rows = (
        queryset.order_by()
        .annotate(kiss_resultaat=Trim("gespreksresultaat"))
        .exclude(kiss_resultaat__in=GespreksresultaatCategorie.objects.values("resultaat"))
        .values("kiss_resultaat")
        .annotate(aantal=Count("id"))
        .order_by("-aantal", "kiss_resultaat")
    )
    return [{"gespreksresultaat": row["kiss_resultaat"], "aantal": row["aantal"]} for row in rows]
