"""Admin for API tokens: create (the key is shown once), see last use, revoke."""

from django.contrib import admin, messages
from django.utils import timezone

from contactmomenten.models import ApiToken
from contactmomenten.services import api_token_assign_key


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "key_prefix", "created", "last_used", "revoked_at")
    list_filter = ("role",)
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "created", "last_used")
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            key = api_token_assign_key(obj)
            messages.warning(
                request,
                f"De API-sleutel voor '{obj.name}' is: {key} — kopieer hem nu; hij wordt niet "
                "opgeslagen en is hierna niet meer te zien.",
            )
        super().save_model(request, obj, form, change)

    @admin.action(description="Geselecteerde API-tokens intrekken")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} API-token(s) ingetrokken.")
