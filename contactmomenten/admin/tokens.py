"""Admin for API tokens: create (the key is shown once), see last use, revoke.

The new key is shown in the body of the response to the add form, on a page of its own,
and nowhere else: not in a message (Django's default message storage is a signed, not
encrypted, cookie), not in the session, not in a URL; the response is ``no-store``.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from contactmomenten.models import ApiToken
from contactmomenten.services import api_token_assign_key, api_token_revoke_many

# The plain key of a token saved in this request, for response_add (never stored).
_PLAIN_KEY_ATTR = "_kiss_plain_key"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "key_prefix", "created", "last_used", "revoked_at")
    list_filter = ("role",)
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "created", "last_used")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(obj, _PLAIN_KEY_ATTR, api_token_assign_key(obj))
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(obj, _PLAIN_KEY_ATTR, None)
        if key is None:  # pragma: no cover - every add goes through save_model
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/contactmomenten/apitoken/key_created.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "token": obj, "key": key},
        )
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True)
        return response

    @admin.action(description="Geselecteerde API-tokens intrekken")
    def revoke(self, request, queryset):
        count = api_token_revoke_many(queryset=queryset)
        self.message_user(request, f"{count} API-token(s) ingetrokken.")
