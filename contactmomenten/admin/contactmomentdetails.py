"""Admin for contactmomentdetails: the list analysts search and export, the form beheerders
correct, and the history page that shows every change (bronnen included).

What a user may do follows the Django permissions of the role groups
(``contactmomenten.roles``): an Analist only views and exports, a Beheerder also changes and
deletes. What a role sees of personal fields follows ``contactmomenten.privacy``
(``contactmomenten.admin.privacy``). The list stays fast at millions of rows; see
``contactmomenten.admin.changelist``.

Every write goes through ``contactmomenten.services``: the change form with its bronnen
inline in one call (one transaction, one history row), the add form, delete and the bulk
delete action, and the revert of the history page. A posted change or delete form reads the
record under a row lock (``get_object``) held until the write, so the form's check that
nobody wrote the record since it was opened (``contactmomenten.admin.forms``) is decisive; a
record deleted meanwhile is Django's "bestaat niet" message, never a new row.
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
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
from contactmomenten.admin.history import HistoryAdminMixin, history_version
from contactmomenten.admin.privacy import PrivacyAdminMixin
from contactmomenten.constants import BRON_FIELDS, DETAIL_FIELDS
from contactmomenten.history import bronnen_from_snapshot
from contactmomenten.models import GESPREKSDUUR, Bron, ContactmomentDetails

# The fields a save of the form writes (the services know no others).
WRITTEN_FIELDS = ("contactmoment", *DETAIL_FIELDS)


class _RecordGone(Exception):
    """The record a revert would write was deleted meanwhile."""


REVERT_GONE = "Dit contactmoment is intussen verwijderd; terugzetten kan niet meer. Er is niets opgeslagen."


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
    # Words of vraag and specifieke vraag (pg_trgm), an exact gespreksId, a contactmoment by
    # its URL or the end of it (the klantcontact UUID): each served by an index.
    search_fields = ("vraag", "specifieke_vraag", "gespreks_id__exact", "contactmoment__eindigt_op")
    search_help_text = (
        "Zoek op woorden uit de vraag of de specifieke vraag, op een gespreksId (exact) of op een "
        "contactmoment: de URL of het einde ervan, zoals de UUID van het klantcontact."
    )
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or history_version(request) is not None:
            return fieldsets
        # The version the change form was opened with travels with it (hidden).
        return [*fieldsets, (None, {"fields": ("versie",), "classes": ("hidden",)})]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # The change and delete views run in one transaction: lock the row from here to
            # the write, so the form's version check cannot be overtaken (None: deleted).
            obj = services.contactmomentdetails_lock(obj)
        return obj

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to this "revert" page for anyone who may *view* history;
        # only users who may change records may revert (save_model writes the version).
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except _RecordGone:  # the record was deleted after the version was opened
            self.message_user(request, REVERT_GONE, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:contactmomenten_contactmomentdetails_changelist"))

    def save_model(self, request, obj, form, change):
        version = history_version(request)
        if version is not None:
            # The revert: the version's fields and bronnen, one write under the row lock.
            data = {f: getattr(obj, f) for f in WRITTEN_FIELDS}
            bronnen = bronnen_from_snapshot(version.history_bronnen)
            try:
                services.contactmomentdetails_update(details=obj, data=data, bronnen=bronnen)
            except Http404 as exc:
                raise _RecordGone from exc
        # Otherwise the form and its bronnen inline are written together in save_related.

    def save_related(self, request, form, formsets, change):
        bronnen = _bronnen_of(formsets)
        obj = form.instance
        if not change:
            created = services.contactmomentdetails_create(
                data={f: getattr(obj, f) for f in WRITTEN_FIELDS}, bronnen=bronnen or []
            )
            # The admin logs and redirects with form.instance: give it the new row's identity.
            obj.pk, obj.uuid, obj.aangemaakt, obj.gewijzigd = (
                created.pk,
                created.uuid,
                created.aangemaakt,
                created.gewijzigd,
            )
            obj._state.adding = False
            return
        seen = form.cleaned_data.get("versie")
        services.contactmomentdetails_update(
            details=obj,
            data={f: getattr(obj, f) for f in form.changed_data if f in WRITTEN_FIELDS},
            bronnen=bronnen,
            versions={seen} if seen else None,
        )

    def delete_model(self, request, obj):
        services.contactmomentdetails_delete(details=obj)

    def delete_queryset(self, request, queryset):
        services.contactmomentdetails_delete_many(queryset=queryset)

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


def _bronnen_of(formsets) -> list[dict] | None:
    """The bronnen the inline holds after the beheerder's edits, in order, or None when the
    inline is unchanged. Sets what the admin's change message reads of a saved formset."""
    for formset in formsets:
        if formset.model is not Bron:
            continue
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return None
        bronnen = []
        for bron_form in formset.forms:
            existing = bron_form.instance.pk is not None
            if formset.can_delete and formset._should_delete_form(bron_form):
                if existing:
                    formset.deleted_objects.append(bron_form.instance)
                continue
            if not existing and not bron_form.has_changed():
                continue  # an empty extra row
            if not existing:
                formset.new_objects.append(bron_form.instance)
            elif bron_form.has_changed():
                formset.changed_objects.append((bron_form.instance, bron_form.changed_data))
            bronnen.append({f: bron_form.cleaned_data[f] for f in BRON_FIELDS})
        return bronnen
    return None
