"""The privacy policy (``contactmomenten.privacy``) applied to the contactmomentdetails admin.

For each personal field the logged-in user's role decides what the change form and the
historic versions show (the value, its pseudonym as a read-only line, or nothing), whether
the list search covers it, whether the list's querystring may filter on it (only when shown
plainly), and what the history page shows of its changes. The export takes
its values from the same policy (``contactmomenten.exports``).
"""

from django.contrib import admin

from contactmomenten import privacy
from contactmomenten.admin.history import DutchHistoryContextHelper
from contactmomenten.roles import user_role

# Personal fields of the form, and the read-only stand-in that shows their pseudonym.
PERSONAL_FORM_FIELDS = {"emailadres_kcm": "emailadres_kcm_pseudoniem"}


class PrivacyHistoryContextHelper(DutchHistoryContextHelper):
    """The history page's old -> new lines, as the viewer's role may see them (in Dutch
    notation: ``DutchHistoryContextHelper``)."""

    def __init__(self, model, historical_record, *, role):
        super().__init__(model, historical_record)
        self.role = role

    def context_for_delta_changes(self, delta):
        changes = [c for c in delta.changes if privacy.visibility(self.role, c.field) != privacy.WEGLATEN]
        return [
            {"field": formatted.field, "old": formatted.old, "new": formatted.new}
            for formatted in map(self.format_delta_change, changes)
        ]

    def prepare_delta_change_value(self, change, value):
        return super().prepare_delta_change_value(change, privacy.shown(self.role, change.field, value))


def _replace_in(fields, replacements: dict):
    """``fields`` of a fieldset with each name replaced (None: removed); keeps row tuples."""
    result = []
    for item in fields:
        if isinstance(item, (list, tuple)):
            row = tuple(name for name in (replacements.get(n, n) for n in item) if name)
            if row:
                result.append(row)
        elif replacements.get(item, item):
            result.append(replacements.get(item, item))
    return result


class PrivacyAdminMixin:
    """For a ModelAdmin of ContactmomentDetails."""

    def _replacements(self, request) -> dict:
        role = user_role(request.user)
        replacements = {}
        for field, stand_in in PERSONAL_FORM_FIELDS.items():
            mode = privacy.visibility(role, field)
            if mode != privacy.TONEN:
                replacements[field] = stand_in if mode == privacy.PSEUDONIEM else None
        return replacements

    def get_fieldsets(self, request, obj=None):
        replacements = self._replacements(request)
        fieldsets = super().get_fieldsets(request, obj)
        if not replacements:
            return fieldsets
        return [
            (name, {**options, "fields": _replace_in(options["fields"], replacements)})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + tuple(name for name in self._replacements(request).values() if name)

    @admin.display(description="e-mailadres KCM (pseudoniem)")
    def emailadres_kcm_pseudoniem(self, obj):
        return privacy.pseudonym(obj.emailadres_kcm) or "-"

    def get_search_fields(self, request):
        role = user_role(request.user)
        plain = tuple(f for f in PERSONAL_FORM_FIELDS if privacy.visibility(role, f) == privacy.TONEN)
        return (*super().get_search_fields(request), *plain)

    def lookup_allowed(self, lookup, value, request):
        # Django allows any lookup on a local field in the list's querystring (and so in the
        # export, which rebuilds the list from it): ?emailadres_kcm__startswith=j would find
        # records by an address the role may not see. Only a role that sees it plainly may.
        field = lookup.split("__", 1)[0]
        role = user_role(request.user)
        if field in PERSONAL_FORM_FIELDS and privacy.visibility(role, field) != privacy.TONEN:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        role = user_role(request.user)
        term = search_term.strip()
        if term.endswith(privacy.PSEUDONIEM_DOMEIN):
            for field in PERSONAL_FORM_FIELDS:
                if privacy.visibility(role, field) == privacy.PSEUDONIEM:
                    return privacy.queryset_filter(queryset, role, field, term), False
        return super().get_search_results(request, queryset, search_term)

    def get_historical_record_context_helper(self, request, historical_record):
        return PrivacyHistoryContextHelper(self.model, historical_record, role=user_role(request.user))
