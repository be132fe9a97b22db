"""Admin exports of contactmomentdetails: actions, a changelist button, and the export log.

The button (``export/<formaat>/?<querystring of the list>``) rebuilds the changelist from the
same querystring and exports ``ChangeList.get_queryset()``: exactly the rows that the
filters, the search and the date hierarchy select, on every page. The actions export the
selected rows, or all filtered rows with "select all". Only users with the
``export_contactmomentdetails`` permission (groups Beheerder and Analist, superusers) may
export, and every export is written to ``ExportLog`` with its row count once it finishes.
"""

import tempfile

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse

from contactmomenten.exports import FORMATS, csv_stream, export_filename, export_rows, xlsx_write
from contactmomenten.models import ExportLog
from contactmomenten.roles import EXPORT_PERMISSION, user_role

# Spool XLSX files up to this size in memory, larger ones go to disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024


def _counted(rows, log: ExportLog):
    """Pass rows through, then store how many went out and whether the export finished."""
    count = 0
    completed = False
    try:
        for row in rows:
            count += 1
            yield row
        completed = True
    finally:
        ExportLog.objects.filter(pk=log.pk).update(aantal_rijen=count, voltooid=completed)


class ExportAdminMixin:
    """Export actions, the export view and its URL for a ModelAdmin of ContactmomentDetails."""

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/<str:formaat>/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_links(self, request) -> list[dict]:
        if not self.has_export_permission(request):
            return []
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_export"
        return [
            {"url": reverse(name, args=[formaat]), "label": f"Exporteer lijst ({spec['label']})"}
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

    def export_response(self, request, queryset, formaat: str, *, selectie: str):
        spec = FORMATS[formaat]
        log = ExportLog.objects.create(
            user=request.user,
            username=request.user.get_username(),
            formaat=formaat,
            filter=request.GET.urlencode(),
            selectie=selectie,
        )
        filename = export_filename(queryset, spec["extension"])
        rows = _counted(export_rows(queryset, role=user_role(request.user)), log)
        if formaat == "xlsx":
            # FileResponse closes the file when the response is done.
            target = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
            xlsx_write(rows, target)
            target.seek(0)
            return FileResponse(
                target,
                as_attachment=True,
                filename=filename,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response = StreamingHttpResponse(
            csv_stream(rows, delimiter=spec["delimiter"]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _export_action(self, request, queryset, formaat):
        selectie = "actie (alle rijen)" if request.POST.get("select_across") == "1" else "actie (selectie)"
        return self.export_response(request, queryset, formaat, selectie=selectie)

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
