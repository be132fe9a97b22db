"""System checks: configuration mistakes that would silently weaken the service."""

from django.conf import settings
from django.core import checks

from contactmomenten.api.authentication import JWT_MIN_KEY_LENGTH


@checks.register(checks.Tags.security)
def check_managementinformatie_key(app_configs, **kwargs):
    key = settings.MANAGEMENTINFORMATIE_API_KEY
    if key and len(key) < JWT_MIN_KEY_LENGTH:
        return [
            checks.Warning(
                f"MANAGEMENTINFORMATIE_API_KEY is shorter than {JWT_MIN_KEY_LENGTH} characters; "
                "JWT authentication (Authorization: Bearer) is disabled.",
                hint=f"Use a random key of at least {JWT_MIN_KEY_LENGTH} characters.",
                id="contactmomenten.W001",
            )
        ]
    return []
