"""How the history pages of contactmomentdetails read in the admin.

django-simple-history draws the pages (``SimpleHistoryAdmin``); this mixin makes them read
as a Dutch beheerder expects: old -> new values as they appear elsewhere in the admin
(local dates, "(leeg)" for an empty value instead of nothing or "None"), a breadcrumb that
names the version, and a historic version shown as plain text (no date pickers with
"Vandaag/Nu" for something that is not edited there). Reverting still saves that version:
a form whose fields are all read-only saves the historic instance as it is.
"""

from datetime import datetime

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from simple_history.template_utils import HistoricalRecordContextHelper

TEMPLATES = "admin/contactmomenten/contactmomentdetails"
# Set on the request while a historic version is shown (see get_readonly_fields).
_VERSION_ATTR = "_kiss_history_version"
EMPTY = "(leeg)"


def history_value_display(value) -> str:
    """A field value as the history shows it: local time for datetimes, "(leeg)" for nothing."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M:%S")
    return value


def history_version(request):
    """The historic version the history page shows or reverts to in this request, or None."""
    return getattr(request, _VERSION_ATTR, None)


class DutchHistoryContextHelper(HistoricalRecordContextHelper):
    """simple_history's old -> new lines with values written by ``history_value_display``.
    The admin's helper (``contactmomenten.admin.privacy``) builds on this one."""

    def prepare_delta_change_value(self, change, value):
        return history_value_display(super().prepare_delta_change_value(change, value))


class HistoryAdminMixin:
    """Dutch history pages and read-only historic versions for a ``SimpleHistoryAdmin``."""

    object_history_list_template = f"{TEMPLATES}/object_history_list.html"
    object_history_form_template = f"{TEMPLATES}/object_history_form.html"

    def _numbers_or_404(self, object_id, version_id=None) -> None:
        """A malformed record or version number in the URL (``114/change/history/``) is a
        page that does not exist: 404, not simple_history's 500."""
        keys = [(self.model._meta.pk, object_id)]
        if version_id is not None:
            keys.append((self.model.history.model._meta.pk, version_id))
        try:
            for field, value in keys:
                field.to_python(value)
        except ValidationError:
            raise Http404("Deze pagina bestaat niet.") from None

    def history_view(self, request, object_id, extra_context=None):
        self._numbers_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._numbers_or_404(object_id, version_id)
        version = get_object_or_404(self.model.history.model, id=object_id, history_id=version_id)
        setattr(request, _VERSION_ATTR, version)
        extra_context = {**(extra_context or {}), "version": version}
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if history_version(request) is not None:
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)
