"""Helpers for admin tests: URLs and the POST body of the contactmomentdetails change form."""

from django.utils import timezone

CHANGELIST_URL = "/admin/contactmomenten/contactmomentdetails/"


def change_url(details) -> str:
    return f"{CHANGELIST_URL}{details.pk}/change/"


def form_data(details, bronnen=(), **changes) -> dict:
    """The POST body of the change form for ``details``: its current values plus ``changes``,
    with the bronnen inline given as (id or None, soort, titel, url, delete) tuples."""
    data = {
        "contactmoment": details.contactmoment,
        "vraag": details.vraag,
        "specifieke_vraag": details.specifieke_vraag,
        "gespreksresultaat": details.gespreksresultaat,
        "startdatum_0": timezone.localtime(details.startdatum).strftime("%d-%m-%Y"),
        "startdatum_1": timezone.localtime(details.startdatum).strftime("%H:%M:%S"),
        "einddatum_0": timezone.localtime(details.einddatum).strftime("%d-%m-%Y"),
        "einddatum_1": timezone.localtime(details.einddatum).strftime("%H:%M:%S"),
        "verantwoordelijke_afdeling": details.verantwoordelijke_afdeling,
        "gespreks_id": details.gespreks_id,
        "kanaal": details.kanaal,
        "emailadres_kcm": details.emailadres_kcm,
        "bronnen-TOTAL_FORMS": str(len(bronnen)),
        "bronnen-INITIAL_FORMS": str(sum(1 for b in bronnen if b[0])),
        "bronnen-MIN_NUM_FORMS": "0",
        "bronnen-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, soort, titel, url, delete) in enumerate(bronnen):
        data |= {
            f"bronnen-{i}-id": str(pk or ""),
            f"bronnen-{i}-contactmomentdetails": str(details.pk),
            f"bronnen-{i}-soort": soort,
            f"bronnen-{i}-titel": titel,
            f"bronnen-{i}-url": url,
        }
        if delete:
            data[f"bronnen-{i}-DELETE"] = "on"
    return data | changes
