"""The figures of the dashboard "Managementinformatie", shaped from the aggregates of
``contactmomenten.statistieken.dashboard``: headline figures against the previous period, a chart
specification per chart (what ``contactmomenten/dashboard.js`` draws) with the table behind
it (``kolommen``/``rijen``, the CSV download), and the busy-times heat map. Dutch labels and
number formats; nothing here knows of requests.
"""

from datetime import date, timedelta

from contactmomenten.constants import KpiCategorie
from contactmomenten.statistieken import dashboard as cijfers

# Periods longer than this are shown per week instead of per day.
PER_WEEK_VANAF_DAGEN = 92
EERSTELIJNS_NORM = 0.8
WEEKDAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
KPI_VOLGORDE = tuple(KpiCategorie.values)
KPI_LABELS = dict(KpiCategorie.choices)


def _aantal(n) -> str:
    return f"{int(n or 0):,}".replace(",", ".")


def _komma(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def duur_tekst(seconds) -> str:
    if seconds is None:
        return "-"
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _minuten(seconds) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def vergelijking(nu, vorig, *, soort: str) -> dict:
    """Up/down against the previous period, as text: by how much."""
    if nu is None or vorig is None:
        return {"richting": "gelijk", "tekst": "geen vergelijking mogelijk"}
    verschil = nu - vorig
    richting = "op" if verschil > 0 else "af" if verschil < 0 else "gelijk"
    pijl = {"op": "▲", "af": "▼", "gelijk": "="}[richting]
    if soort == "aandeel":
        tekst = f"{pijl} {_komma(abs(verschil) * 100)} procentpunt"
    elif soort == "duur":
        tekst = f"{pijl} {duur_tekst(abs(verschil))}"
    else:
        tekst = f"{pijl} {_aantal(abs(verschil))}"
        if vorig:
            tekst += f" ({_komma(abs(verschil) / vorig * 100)} %)"
    return {"richting": richting, "tekst": f"{tekst} t.o.v. vorige periode"}


def kerncijfers(nu: dict, vorig: dict) -> list[dict]:
    aandeel = nu["aandeelEerstelijns"]
    norm = (
        "geen contactmomenten"
        if aandeel is None
        else ("boven de norm van 80 %" if aandeel >= EERSTELIJNS_NORM else "onder de norm van 80 %")
    )
    return [
        {
            "label": "Contactmomenten",
            "waarde": _aantal(nu["aantal"]),
            "ruw": (nu["aantal"], vorig["aantal"]),
            "vergelijking": vergelijking(nu["aantal"], vorig["aantal"], soort="aantal"),
        },
        {
            "label": "Gesprekken",
            "waarde": _aantal(nu["aantalGesprekken"]),
            "ruw": (nu["aantalGesprekken"], vorig["aantalGesprekken"]),
            "vergelijking": vergelijking(nu["aantalGesprekken"], vorig["aantalGesprekken"], soort="aantal"),
        },
        {
            "label": "Gemiddelde gespreksduur",
            "waarde": duur_tekst(nu["gemiddeldeGespreksduur"]),
            "ruw": (nu["gemiddeldeGespreksduur"], vorig["gemiddeldeGespreksduur"]),
            "vergelijking": vergelijking(
                nu["gemiddeldeGespreksduur"], vorig["gemiddeldeGespreksduur"], soort="duur"
            ),
        },
        {
            "label": "Eerstelijns afgehandeld",
            "waarde": "-" if aandeel is None else f"{_komma(aandeel * 100)} %",
            "ruw": (aandeel, vorig["aandeelEerstelijns"]),
            "vergelijking": vergelijking(aandeel, vorig["aandeelEerstelijns"], soort="aandeel"),
            "norm": norm,
        },
    ]


def _dagen(van: date, tot: date, per_week: bool) -> list[date]:
    if per_week:
        first = van - timedelta(days=van.weekday())
        return [first + timedelta(weeks=n) for n in range((tot - first).days // 7 + 1)]
    return [van + timedelta(days=n) for n in range((tot - van).days + 1)]


def figuren(queryset, van: date, tot: date) -> dict:
    """Every chart: ``grafiek`` (what dashboard.js draws) and ``kolommen``/``rijen`` (its CSV)."""
    per_week = (tot - van).days + 1 > PER_WEEK_VANAF_DAGEN
    periode = "week" if per_week else "dag"
    per_periode = cijfers.dashboard_per_periode(queryset, periode)
    perioden = _dagen(van, tot, per_week)
    telling = {(row[periode], row["kpiCategorie"]): row["aantal"] for row in per_periode}
    per_dag = [[telling.get((d, c), 0) for c in KPI_VOLGORDE] for d in perioden]
    volume_labels = [(f"week van {d:%d-%m}" if per_week else f"{d:%d-%m}") for d in perioden]
    volume = {
        "titel": f"Contactmomenten per {periode}, naar KPI-categorie",
        "grafiek": {
            "soort": "staaf",
            "gestapeld": True,
            "x": "Week (maandag)" if per_week else "Dag",
            "y": "Aantal contactmomenten",
            "labels": volume_labels,
            "reeksen": [
                {"label": KPI_LABELS[c], "data": [telling.get((d, c), 0) for d in perioden]}
                for c in KPI_VOLGORDE
            ],
        },
        "kolommen": [periode, *KPI_VOLGORDE, "aantal"],
        "rijen": [[d.isoformat(), *counts, sum(counts)] for d, counts in zip(perioden, per_dag, strict=True)],
    }

    afdelingen = cijfers.dashboard_per_afdeling(queryset)
    namen = [row["verantwoordelijkeAfdeling"] or "(geen afdeling)" for row in afdelingen]
    duur = {
        "titel": "Gespreksduur per afdeling",
        "grafiek": {
            "soort": "liggend",
            "x": "Gespreksduur (minuten)",
            "y": "Afdeling",
            "labels": namen,
            "reeksen": [
                {"label": "Gemiddelde", "data": [_minuten(r["gemiddeldeGespreksduur"]) for r in afdelingen]},
                {"label": "Mediaan", "data": [_minuten(r.get("mediaanGespreksduur")) for r in afdelingen]},
            ],
        },
        "kolommen": ["verantwoordelijkeAfdeling", "aantal", "gemiddeldeGespreksduur", "mediaanGespreksduur"],
        "rijen": [
            [
                r["verantwoordelijkeAfdeling"],
                r["aantal"],
                round(r["gemiddeldeGespreksduur"] or 0, 1),
                None if r.get("mediaanGespreksduur") is None else round(r["mediaanGespreksduur"], 1),
            ]
            for r in afdelingen
        ],
    }
    aandelen = {
        "titel": "Afhandeling per afdeling",
        "grafiek": {
            "soort": "liggend",
            "gestapeld": True,
            "norm": EERSTELIJNS_NORM * 100,
            "x": "Aandeel van de contactmomenten (%)",
            "y": "Afdeling",
            "max": 100,
            "labels": namen,
            "reeksen": [
                {
                    "label": KPI_LABELS[c],
                    "data": [round(r[cijfers.AANDEEL_PER_CATEGORIE[c]] * 100, 1) for r in afdelingen],
                }
                for c in KPI_VOLGORDE
            ],
        },
        "kolommen": [
            "verantwoordelijkeAfdeling",
            "aantal",
            *(f"aandeel{c.capitalize()}" for c in KPI_VOLGORDE),
        ],
        "rijen": [
            [
                r["verantwoordelijkeAfdeling"],
                r["aantal"],
                *(round(r[cijfers.AANDEEL_PER_CATEGORIE[c]], 4) for c in KPI_VOLGORDE),
            ]
            for r in afdelingen
        ],
    }

    bins = cijfers.gespreksduur_histogram(queryset)

    def bin_label(b):
        van_min = b["vanSeconden"] // 60
        return f"{van_min}+ min" if b["totSeconden"] is None else f"{van_min}-{b['totSeconden'] // 60} min"

    histogram = {
        "titel": "Verdeling van de gespreksduur",
        "grafiek": {
            "soort": "staaf",
            "x": "Gespreksduur",
            "y": "Aantal contactmomenten",
            "labels": [bin_label(b) for b in bins],
            "reeksen": [{"label": "Contactmomenten", "data": [b["aantal"] for b in bins]}],
        },
        "kolommen": ["vanSeconden", "totSeconden", "aantal"],
        "rijen": [[b["vanSeconden"], b["totSeconden"], b["aantal"]] for b in bins],
    }

    kanalen = cijfers.dashboard_per_kanaal(queryset)
    kanaal = {
        "titel": "Contactmomenten per kanaal",
        "grafiek": {
            "soort": "liggend",
            "x": "Aantal contactmomenten",
            "y": "Kanaal",
            "labels": [r["kanaal"] or "(geen kanaal)" for r in kanalen],
            "reeksen": [{"label": "Contactmomenten", "data": [r["aantal"] for r in kanalen]}],
        },
        "kolommen": ["kanaal", "aantal"],
        "rijen": [[r["kanaal"], r["aantal"]] for r in kanalen],
    }
    return {"volume": volume, "duur": duur, "histogram": histogram, "aandelen": aandelen, "kanaal": kanaal}


def drukte(queryset) -> dict:
    counts = {(r["weekdag"], r["uur"]): r["aantal"] for r in cijfers.dashboard_drukte(queryset)}
    hoogste = max(counts.values(), default=0)
    uren = range(24)
    rijen = []
    for dag in range(1, 8):
        cellen = []
        for uur in uren:
            n = counts.get((dag, uur), 0)
            # Ten steps of lightness (greyscale-safe); the number is in the cell too.
            stap = 0 if not n else 1 + round(n / hoogste * 8)
            cellen.append(
                {"aantal": n, "stap": stap, "titel": f"{WEEKDAGEN[dag - 1]} {uur}:00-{uur + 1}:00: {n}"}
            )
        rijen.append({"dag": WEEKDAGEN[dag - 1], "cellen": cellen})
    return {
        "titel": "Drukte per uur en weekdag",
        "uren": list(uren),
        "rijen": rijen,
        "kolommen": ["weekdag", *(f"{u:02d}:00" for u in uren)],
        "csv_rijen": [[r["dag"], *(c["aantal"] for c in r["cellen"])] for r in rijen],
    }
