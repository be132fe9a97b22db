"""Admin for contactmomentdetails: the list analysts search and export, the form beheerders
correct, and the history page that shows every change (bronnen included).

What a user may do follows the Django permissions of the role groups
(``contactmomenten.roles``): an Analist only views and exports, a Beheerder also changes and
deletes. What a role sees of personal fields follows ``contactmomenten.privacy``
(``contactmomenten.admin.privacy``). The list stays fast at millions of rows; see
``contactmomenten.admin.changelist``.
"""

from itertools import pairwise

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from contactmomenten import services
from contactmomenten.admin.changelist import (
    EstimatedCountPaginator,
    TruthfulChangeList,
    cached_values_filter,
)
from contactmomenten.admin.exports import ExportAdminMixin
from contactmomenten.admin.forms import ContactmomentDetailsAdminForm
from contactmomenten.admin.gesprek import GesprekAdminMixin, format_duur
from contactmomenten.admin.history import HistoryAdminMixin
from contactmomenten.admin.privacy import PrivacyAdminMixin
from contactmomenten.history import bronnen_from_snapshot, history_bronnen_pending, history_bronnen_update
from contactmomenten.models import GESPREKSDUUR, Bron, ContactmomentDetails


class BronInline(admin.TabularInline):
    model = Bron
    extra = 0
    fields = ("soort", "titel", "url")


def _bronnen_aantal():
    """Number of bronnen as a correlated subquery: evaluated only for the rows of the page
    (a JOIN + GROUP BY would aggregate the whole table before LIMIT)."""
    return Subquery(
        Bron.objects.filter(contactmomentdetails=OuterRef("pk"))
        .order_by()
        .values("contactmomentdetails")
        .annotate(aantal=Count("pk"))
        .values("aantal"),
        output_field=IntegerField(),
    )


@admin.register(ContactmomentDetails)
class ContactmomentDetailsAdmin(
    PrivacyAdminMixin, ExportAdminMixin, GesprekAdminMixin, HistoryAdminMixin, SimpleHistoryAdmin
):
    # Columns chosen to fit 1400 px: short dates, long vraag clamped to three lines (the full
    # text on hover), gespreksIds cut off with an ellipsis (contactmomenten/admin.css).
    list_display = (
        "startdatum_display",
        "gespreksduur_display",
        "vraag_display",
        "gespreksresultaat",
        "verantwoordelijke_afdeling",
        "kanaal",
        "gesprek_link",
        "bronnen_aantal_display",
    )
    list_filter = (
        cached_values_filter("gespreksresultaat", "gespreksresultaat"),
        cached_values_filter("verantwoordelijke_afdeling", "verantwoordelijke afdeling"),
        cached_values_filter("kanaal", "kanaal"),
        "startdatum",
    )
    # Choices come from MIN/MAX, not DISTINCT: see the change_list.html of this model.
    date_hierarchy = "startdatum"
    search_fields = ("vraag", "specifieke_vraag", "gespreks_id", "contactmoment")
    # Scale: no COUNT(*) of the whole table, no facet counts, an estimated count above a cap.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = ["export_csv", "export_csv_puntkomma", "export_xlsx"]
    form = ContactmomentDetailsAdminForm
    readonly_fields = ("uuid", "aangemaakt", "gewijzigd", "gesprek_samenvatting")
    inlines = [BronInline]
    fieldsets = (
        (None, {"fields": ("contactmoment", "uuid", "vraag", "specifieke_vraag")}),
        (
            "Gesprek",
            {
                "fields": (
                    "gespreksresultaat",
                    ("startdatum", "einddatum"),
                    "verantwoordelijke_afdeling",
                    ("gespreks_id", "gesprek_samenvatting"),
                    "kanaal",
                    "emailadres_kcm",
                )
            },
        ),
        ("Registratie", {"fields": ("aangemaakt", "gewijzigd")}),
    )

    class Media:
        css = {"all": ("contactmomenten/admin.css",)}

    def get_changelist(self, request, **kwargs):
        return TruthfulChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(bronnen_aantal=_bronnen_aantal())

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_links": self.export_links(request)}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description="startdatum", ordering="startdatum")
    def startdatum_display(self, obj):
        return timezone.localtime(obj.startdatum).strftime("%d-%m-%Y %H:%M")

    @admin.display(description="vraag", ordering="vraag")
    def vraag_display(self, obj):
        return format_html('<span class="kiss-lang" title="{}">{}</span>', obj.vraag, obj.vraag)

    @admin.display(description="gespreksduur", ordering=GESPREKSDUUR)
    def gespreksduur_display(self, obj):
        return format_duur(obj.gespreksduur)

    @admin.display(description="bronnen")
    def bronnen_aantal_display(self, obj):
        return obj.bronnen_aantal or 0

    @admin.display(description="gesprek")
    def gesprek_samenvatting(self, obj):
        if not obj or not obj.gespreks_id:
            return "-"
        return format_html('<a href="{}">Alle vragen van dit gesprek</a>', self.gesprek_url(obj.gespreks_id))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to this "revert" page for anyone who may *view* history;
        # only users who may change records may revert. It saves the version's fields; its
        # bronnen are restored here in the same transaction, as the same audited change.
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(self.model.history, id=object_id, history_id=version_id)
        bronnen = bronnen_from_snapshot(version.history_bronnen)
        # The revert's history row records the version's bronnen (pending), not today's.
        with transaction.atomic(), history_bronnen_pending(bronnen):
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:  # the form was valid and the version's fields saved
                details = self.model.objects.get(pk=object_id)
                services.contactmomentdetails_bronnen_replace(details=details, bronnen=bronnen)
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The inline saved the bronnen after the record: store them in its history row.
        history_bronnen_update(form.instance)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """simple_history diffs the record's fields; add the bronnen snapshot as one more."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for newer, older in pairwise(records):
            if newer.history_bronnen != older.history_bronnen:
                newer.history_delta_changes = [
                    *getattr(newer, "history_delta_changes", []),
                    {
                        "field": "Bronnen",
                        "old": linebreaksbr(older.history_bronnen) or "(geen)",
                        "new": linebreaksbr(newer.history_bronnen) or "(geen)",
                    },
                ]
