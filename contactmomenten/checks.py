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


@checks.register(checks.Tags.security)
def check_oidc(app_configs, **kwargs):
    """OIDC settings that cannot work, or that would not do what they say."""
    if not settings.OIDC_AUTHORITY:
        if settings.OIDC_ONLY:
            return [
                checks.Warning(
                    "OIDC_ONLY=true has no effect without OIDC_AUTHORITY: local login stays on.",
                    hint="Set OIDC_AUTHORITY (and OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) or drop OIDC_ONLY.",
                    id="contactmomenten.W002",
                )
            ]
        return []
    errors = [
        checks.Error(
            f"OIDC_AUTHORITY is set but {name} is empty: the OIDC login cannot work.",
            hint="Set it to the value of the client registered at the identity provider.",
            id="contactmomenten.E001",
        )
        for name, value in (
            ("OIDC_CLIENT_ID", settings.OIDC_RP_CLIENT_ID),
            ("OIDC_CLIENT_SECRET", settings.OIDC_RP_CLIENT_SECRET),
        )
        if not value
    ]
    if not settings.OIDC_AUTHORITY.startswith("https://") and not settings.DEBUG:
        errors.append(
            checks.Warning(
                "OIDC_AUTHORITY does not use https: tokens and the client secret would travel in the clear.",
                id="contactmomenten.W003",
            )
        )
    return errors


@checks.register(checks.Tags.security)
def check_retention(app_configs, **kwargs):
    """Production without a retention term keeps personal data forever (AVG art. 5(1)(e))."""
    if settings.BEWAARTERMIJN_DAGEN is None and not settings.DEBUG:
        return [
            checks.Warning(
                "BEWAARTERMIJN_DAGEN is not set: specifiekeVraag and emailadresKcm are kept forever.",
                hint=(
                    "Set BEWAARTERMIJN_DAGEN to the retention term in days and run "
                    "manage.py apply_retention daily (README, 'Privacy (AVG)')."
                ),
                id="contactmomenten.W004",
            )
        ]
    return []


@checks.register(checks.Tags.database)
def check_deferred_indexes(app_configs, databases=None, **kwargs):
    """An interrupted first import_kiss or seed_demo_data leaves the tables without some of
    their secondary indexes."""
    if not databases or "default" not in databases:
        return []
    from django.db import DatabaseError

    from contactmomenten.bulk_indexes import indexes_deferred

    try:
        deferred = indexes_deferred()
    except DatabaseError:  # not migrated yet
        return []
    if not deferred:
        return []
    return [
        checks.Warning(
            f"{deferred} indexes are missing: an import_kiss or seed_demo_data into the empty "
            "table was interrupted before it built them. Searches and filters work, but slowly.",
            hint=(
                "Run manage.py import_kiss again with the same --source (it goes on where it "
                "stopped), or after an interrupted seed_demo_data that command again: either "
                "builds them at its end."
            ),
            id="contactmomenten.W005",
        )
    ]
