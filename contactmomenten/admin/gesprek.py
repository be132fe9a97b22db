"""The gesprek view: all questions that share one gespreksId, with their total duration.

A KCM may register several questions in one conversation; each becomes a record with the
same gespreksId. From a record (change form) or the list (gespreksId column) one click
opens this page.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.html import format_html

# A conversation has a handful of questions; this only guards against odd data.
GESPREK_MAX_RECORDS = 500


def format_duur(duur: timedelta | None) -> str:
    """A gespreksduur as mm:ss (hours folded into the minutes)."""
    if duur is None:
        return "-"
    seconds = int(duur.total_seconds())
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class GesprekAdminMixin:
    """Adds ``gesprek/<gespreksId>/`` and a link to it for a ModelAdmin of ContactmomentDetails."""

    gesprek_template = "admin/contactmomenten/contactmomentdetails/gesprek.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            # Only well-formed gespreksIds reach the view (anything else, NUL bytes included, is 404).
            re_path(
                r"^gesprek/(?P<gespreks_id>[A-Za-z0-9_-]{1,64})/$",
                self.admin_site.admin_view(self.gesprek_view),
                name="{}_{}_gesprek".format(*info),
            ),
            *super().get_urls(),
        ]

    def gesprek_url(self, gespreks_id: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_gesprek", args=[gespreks_id])

    def gesprek_link(self, obj):
        if not obj or not obj.gespreks_id:
            return "-"
        return format_html(
            '<a class="kiss-afgekapt" href="{}" title="{}">{}</a>',
            self.gesprek_url(obj.gespreks_id),
            obj.gespreks_id,
            obj.gespreks_id,
        )

    gesprek_link.short_description = "gespreksId"
    gesprek_link.admin_order_field = "gespreks_id"

    def gesprek_view(self, request, gespreks_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        records = list(
            self.get_queryset(request)
            .filter(gespreks_id=gespreks_id)
            .order_by("startdatum", "id")[: GESPREK_MAX_RECORDS + 1]
        )
        if not records:
            raise Http404("Geen contactmomentdetails met deze gespreksId.")
        afgekapt = len(records) > GESPREK_MAX_RECORDS
        records = records[:GESPREK_MAX_RECORDS]
        totaal = sum((r.gespreksduur for r in records), timedelta())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Gesprek {gespreks_id}",
            "gespreks_id": gespreks_id,
            "records": [{"obj": r, "duur": format_duur(r.gespreksduur)} for r in records],
            "totale_duur": format_duur(totaal),
            "begin": min(r.startdatum for r in records),
            "eind": max(r.einddatum for r in records),
            "afgekapt": afgekapt,
        }
        return TemplateResponse(request, self.gesprek_template, context)
