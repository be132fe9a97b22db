"""Admin exports of contactmomentdetails: actions, a changelist button, and the export log.

The button (``export/<formaat>/?<querystring of the list>``) rebuilds the changelist from the
same querystring and exports ``ChangeList.get_queryset()``: exactly the rows that the
filters, the search and the date hierarchy select, on every page. The actions export the
selected rows, or all filtered rows with "select all". Only users with the
``export_contactmomentdetails`` permission (groups Beheerder and Analist, superusers) may
export, and every export is written to ``ExportLog``: its filters as Dutch text, and its row
count once it finishes. The files stream (``contactmomenten.exports``): nothing is buffered.
"""

import json
import re

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse

from contactmomenten.exports import FORMATS, RowCounter, export_filename, export_stream
from contactmomenten.models import ExportLog
from contactmomenten.replica import reads_from_replica
from contactmomenten.roles import EXPORT_PERMISSION, user_role

# The changelist's querystring parameters as an analyst reads them in the export log.
FILTER_LABELS = {
    "verantwoordelijke_afdeling": "afdeling",
    "gespreksresultaat": "gespreksresultaat",
    "kanaal": "kanaal",
    "startdatum__gte": "startdatum vanaf",
    "startdatum__lt": "startdatum voor",
    "q": "zoekterm",
}
# Paging and sorting change no row of the export.
NOT_FILTERS = frozenset({"o", "p", "e", "_changelist_filters"})
_DATE_HIERARCHY = ("startdatum__year", "startdatum__month", "startdatum__day")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00(\+\d{2}:\d{2})?$")


def export_filter_text(params, *, selected: int | None = None) -> str:
    """The filters of a changelist querystring in Dutch, e.g. "afdeling = Burgerzaken,
    maand = 2026-10"; ``selected`` rows of an action come first."""
    parts = [f"selectie = {selected} geselecteerde rijen"] if selected is not None else []
    year, month, day = (params.get(name) for name in _DATE_HIERARCHY)
    if year and month and day:
        parts.append(f"dag = {year}-{month.zfill(2)}-{day.zfill(2)}")
    elif year and month:
        parts.append(f"maand = {year}-{month.zfill(2)}")
    elif year:
        parts.append(f"jaar = {year}")
    for name, values in params.lists():
        if name in NOT_FILTERS or name in _DATE_HIERARCHY:
            continue
        for value in values:
            if name == "q":  # quoted, escaped: export_filter_text_retained finds its end
                value = json.dumps(value, ensure_ascii=False)
            elif name.startswith("startdatum__"):
                value = _MIDNIGHT.sub(r"\1", value)
            parts.append(f"{FILTER_LABELS.get(name, name)} = {value}")
    return ", ".join(parts) or "geen filters (alle rijen)"


# What the export log keeps of a filter text past the retention term: the vocabulary filters
# and the period, not a search term or any other parameter (they may name a person).
FILTER_RETAINED_LABELS = frozenset(
    {"selectie", "dag", "maand", "jaar", *(label for label in FILTER_LABELS.values() if label != "zoekterm")}
)
FILTER_REMOVED = "zoekterm en overige filters verwijderd na de bewaartermijn"
_ZOEKTERM = re.compile(r'zoekterm = "(?:[^"\\]|\\.)*"')
_PART_BOUNDARY = re.compile(r", (?=[^,=]+ = )")


def export_filter_text_retained(text: str) -> str:
    """``text`` (an ``export_filter_text``) with only the parts the log keeps past the
    retention term, and a note when it dropped any; applying it twice changes nothing."""
    if FILTER_REMOVED in text:
        text = text.replace(FILTER_REMOVED, "").rstrip(", ")
        dropped = True
    else:
        dropped = False
    if not text or text == "geen filters (alle rijen)":
        return FILTER_REMOVED if dropped else text
    parts = _PART_BOUNDARY.split(_ZOEKTERM.sub('zoekterm = ""', text))
    kept = [part for part in parts if part.partition(" = ")[0] in FILTER_RETAINED_LABELS]
    if len(kept) < len(parts):
        dropped = True
    return ", ".join([*kept, FILTER_REMOVED] if dropped else kept)


def _logged(chunks, log: ExportLog, counter: RowCounter):
    """Pass the file through, then store how many rows went out and whether it finished."""
    completed = False
    try:
        yield from chunks
        completed = True
    finally:
        ExportLog.objects.filter(pk=log.pk).update(aantal_rijen=counter.rows, voltooid=completed)


class ExportAdminMixin:
    """Export actions, the export view and its URL for a ModelAdmin of ContactmomentDetails."""

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/<str:formaat>/",
                # Exports may read a replica (contactmomenten.replica); the log is written on the primary.
                self.admin_site.admin_view(reads_from_replica(self.export_view)),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_links(self, request) -> list[dict]:
        if not self.has_export_permission(request):
            return []
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_export"
        return [
            {"url": reverse(name, args=[formaat]), "label": f"Exporteer lijst ({spec.label})"}
            for formaat, spec in FORMATS.items()
        ]

    def export_view(self, request, formaat):
        if not self.has_export_permission(request):
            raise PermissionDenied
        if formaat not in FORMATS:
            raise Http404("Onbekend exportformaat.")
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            # Back to the unfiltered list with a message, as the changelist itself does.
            messages.error(request, "Ongeldige filter- of zoekparameters: er is niets geëxporteerd.")
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        return self.export_response(request, queryset, formaat, selectie="lijst")

    def export_response(self, request, queryset, formaat: str, *, selectie: str, selected: int | None = None):
        log = ExportLog.objects.create(
            user=request.user,
            username=request.user.get_username(),
            formaat=formaat,
            filter=export_filter_text(request.GET, selected=selected),
            selectie=selectie,
        )
        filename = export_filename(queryset, formaat)
        counter = RowCounter()
        stream = export_stream(queryset, formaat, counter=counter, role=user_role(request.user))
        response = StreamingHttpResponse(
            _logged(stream, log, counter), content_type=FORMATS[formaat].content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _export_action(self, request, queryset, formaat):
        if request.POST.get("select_across") == "1":
            return self.export_response(request, queryset, formaat, selectie="actie (alle rijen)")
        selected = len(request.POST.getlist("_selected_action"))
        return self.export_response(
            request, queryset, formaat, selectie="actie (selectie)", selected=selected
        )

    @admin.action(description="Exporteer als CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export_action(request, queryset, "csv")

    @admin.action(description="Exporteer als CSV met ; (Nederlandse Excel)", permissions=["export"])
    def export_csv_puntkomma(self, request, queryset):
        return self._export_action(request, queryset, "csv-puntkomma")

    @admin.action(description="Exporteer als Excel (xlsx)", permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export_action(request, queryset, "xlsx")


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by exports, never by hand."""

    list_display = ("moment", "username", "formaat", "selectie", "aantal_rijen", "voltooid", "filter")
    list_filter = ("formaat", "voltooid")
    search_fields = ("username", "filter")
    date_hierarchy = "moment"
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
