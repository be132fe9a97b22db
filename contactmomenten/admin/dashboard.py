"""The admin dashboard "Managementinformatie" (/admin/managementinformatie/): what a KCC team
lead reads at a glance, for Beheerder and Analist only (others get 403).

The view is thin: it reads the period (default: the last 30 days, up to and including today)
and the afdeling and kanaal filters, asks ``contactmomenten.statistieken.dashboard`` for the
aggregates (a fixed number of queries, whatever the number of rows; from the replica when
one is configured), and shapes each figure as a chart
specification (drawn by the vendored Chart.js in ``contactmomenten/dashboard.js``, data passed
with ``json_script``: no inline script) and as the table behind it, which ``?csv=<figuur>``
downloads. Each gespreksresultaat without a KPI category links to the mapping's add form
with the value filled in, for those who may add one.
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from contactmomenten.admin import dashboard_figuren as figures
from contactmomenten.exports.csvfile import csv_table
from contactmomenten.models import ContactmomentDetails
from contactmomenten.replica import reads_from_replica
from contactmomenten.roles import ADMIN_ROLES, user_role
from contactmomenten.selectors import contactmomentdetails_values_in_use
from contactmomenten.statistieken import AMSTERDAM
from contactmomenten.statistieken import dashboard as cijfers

DEFAULT_DAGEN = 30
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class DashboardForm(forms.Form):
    van = forms.DateField(label="Van", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    tot = forms.DateField(
        label="Tot en met", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    afdeling = forms.ChoiceField(label="Afdeling", required=False)
    kanaal = forms.ChoiceField(label="Kanaal", required=False)

    def __init__(self, data, *, today: date):
        defaults = {"van": (today - timedelta(days=DEFAULT_DAGEN - 1)).isoformat(), "tot": today.isoformat()}
        merged = {**defaults, **{k: v for k, v in data.items() if k in self.base_fields and v != ""}}
        super().__init__(merged)
        for name, field_name, alle in (
            ("afdeling", "verantwoordelijke_afdeling", "Alle afdelingen"),
            ("kanaal", "kanaal", "Alle kanalen"),
        ):
            values = list(contactmomentdetails_values_in_use(field_name))
            chosen = merged.get(name)
            if chosen and chosen not in values:
                values.append(chosen)
            self.fields[name].choices = [("", alle), *((v, v) for v in values)]

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def _period_queryset(van: date, tot: date, afdeling: str, kanaal: str):
    queryset = ContactmomentDetails.objects.filter(
        startdatum__gte=_midnight(van), startdatum__lt=_midnight(tot + timedelta(days=1))
    )
    if afdeling:
        queryset = queryset.filter(verantwoordelijke_afdeling=afdeling)
    if kanaal:
        queryset = queryset.filter(kanaal=kanaal)
    return queryset


def _csv_response(kolommen, rijen, naam: str) -> HttpResponse:
    response = HttpResponse(csv_table(kolommen, rijen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="managementinformatie-{naam}.csv"'
    return response


def changelist_link(van: date, tot: date, afdeling: str, kanaal: str, **extra) -> str:
    params = {
        "startdatum__gte": str(_midnight(van)),
        "startdatum__lt": str(_midnight(tot + timedelta(days=1))),
        **({"verantwoordelijke_afdeling": afdeling} if afdeling else {}),
        **({"kanaal": kanaal} if kanaal else {}),
        **extra,
    }
    return reverse("admin:contactmomenten_contactmomentdetails_changelist") + "?" + urlencode(params)


def _mapping_link(request, resultaat: str) -> str | None:
    """The mapping's add form with ``resultaat`` filled in, if the user may add one."""
    if not request.user.has_perm("contactmomenten.add_gespreksresultaatcategorie"):
        return None
    add = reverse("admin:contactmomenten_gespreksresultaatcategorie_add")
    return f"{add}?{urlencode({'resultaat': resultaat})}"


@never_cache
@reads_from_replica
def managementinformatie_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if user_role(request.user) not in ADMIN_ROLES:
        raise PermissionDenied
    form = DashboardForm(request.GET, today=timezone.localdate())
    context = {
        **admin.site.each_context(request),
        "title": "Managementinformatie",
        "form": form,
    }
    if not form.is_valid():
        response = TemplateResponse(
            request, "admin/contactmomenten/managementinformatie.html", context, status=400
        )
        response["Content-Security-Policy"] = CSP
        return response
    van, tot = form.cleaned_data["van"], form.cleaned_data["tot"]
    afdeling, kanaal = form.cleaned_data["afdeling"], form.cleaned_data["kanaal"]
    dagen = (tot - van).days + 1
    queryset = _period_queryset(van, tot, afdeling, kanaal)
    vorige_van = van - timedelta(days=dagen)
    grafieken = figures.figuren(queryset, van, tot)
    kerncijfers = figures.kerncijfers(
        cijfers.dashboard_totalen(queryset),
        cijfers.dashboard_totalen(_period_queryset(vorige_van, van - timedelta(days=1), afdeling, kanaal)),
    )
    drukte = figures.drukte(queryset)
    vragen = cijfers.dashboard_top_vragen(queryset)
    ongemapt = cijfers.ongemapte_resultaten(queryset)

    # ?csv=<naam>: the numbers behind one chart or table.
    tabellen = {naam: (f["kolommen"], f["rijen"]) for naam, f in grafieken.items()} | {
        "kerncijfers": (
            ["kerncijfer", "dezePeriode", "vorigePeriode"],
            [[k["label"], *k["ruw"]] for k in kerncijfers],
        ),
        "drukte": (drukte["kolommen"], drukte["csv_rijen"]),
        "vragen": (
            ["vraag", "aantal", "gemiddeldeGespreksduur"],
            [[v["vraag"], v["aantal"], round(v["gemiddeldeGespreksduur"] or 0, 1)] for v in vragen],
        ),
        "ongemapt": (
            ["gespreksresultaat", "aantal"],
            [[r["gespreksresultaat"], r["aantal"]] for r in ongemapt],
        ),
    }
    csv_naam = request.GET.get("csv")
    if csv_naam in tabellen:
        return _csv_response(*tabellen[csv_naam], csv_naam)
    query = urlencode({k: v for k, v in form.cleaned_data.items() if v} | {"van": van, "tot": tot})
    context.update(
        {
            "van": van,
            "tot": tot,
            "vorige_van": vorige_van,
            "vorige_tot": van - timedelta(days=1),
            "dagen": dagen,
            "kerncijfers": kerncijfers,
            "figuren": [
                {"naam": naam, "script_id": f"data-{naam}", **figuur} for naam, figuur in grafieken.items()
            ],
            "drukte": drukte,
            "vragen": [
                {
                    **v,
                    "duur": figures.duur_tekst(v["gemiddeldeGespreksduur"]),
                    "link": changelist_link(van, tot, afdeling, kanaal, vraag=v["vraag"]),
                }
                for v in vragen
            ],
            "ongemapt": [
                {
                    **r,
                    "link": changelist_link(
                        van, tot, afdeling, kanaal, gespreksresultaat=r["gespreksresultaat"]
                    ),
                    "categorie_link": _mapping_link(request, r["gespreksresultaat"]),
                }
                for r in ongemapt
            ],
            "query": query,
            "presets": [
                (
                    label,
                    urlencode(
                        {"van": timezone.localdate() - timedelta(days=n - 1), "tot": timezone.localdate()}
                    ),
                )
                for label, n in (("7 dagen", 7), ("30 dagen", 30), ("3 maanden", 91), ("12 maanden", 365))
            ],
        }
    )
    response = TemplateResponse(request, "admin/contactmomenten/managementinformatie.html", context)
    response["Content-Security-Policy"] = CSP
    return response
