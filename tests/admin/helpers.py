"""Helpers for admin tests: URLs, the POST body of the contactmomentdetails change form, and
a check for English left on a page."""

import re
from html import unescape

from django.utils import timezone

CHANGELIST_URL = "/admin/contactmomenten/contactmomentdetails/"


def change_url(details) -> str:
    return f"{CHANGELIST_URL}{details.pk}/change/"


VOCABULARY_FIELDS = ("gespreksresultaat", "verantwoordelijke_afdeling", "kanaal")


def form_data(details, bronnen=(), confirm_new=True, **changes) -> dict:
    """The POST body of the change form for ``details``: its current values plus ``changes``,
    with the bronnen inline given as (id or None, soort, titel, url, delete) tuples. A changed
    gespreksresultaat, afdeling or kanaal comes confirmed as a new value unless
    ``confirm_new`` is false (the form asks before it stores a value not yet in use). The
    hidden ``versie`` is that of ``details`` as given: pass a fresh one to save over later
    writes."""
    for field in VOCABULARY_FIELDS:
        if confirm_new and changes.get(field):
            changes.setdefault(f"{field}__nieuw", changes[field])
    data = {
        "versie": details.versie,  # the version the form was opened with (hidden field)
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


# English that Django and django-simple-history show when a translation is missing; none of
# it may appear on a page a Dutch beheerder or analist sees (also used by the browser tests).
ENGLISH_WORDS = (
    "Choose a date",
    "revert",
    "Revert",
    "Comment",
    "Changed by",
    "Change reason",
    "Changes",
    "Changed",
    "Created",
    "Deleted",
    "None",
    "View history",
    "View",
    "Home",
    "Django",
    "View site",
    "Website bekijken",
    "History",
    "entries",
    "entry",
    "results",
    "Show all",
    "Select all",
    "Date/time",
    "Close",
    "Press the",
    "doesn't",
    "Search",
    "Today",
    "Now",
)


def english_words(text: str) -> list[str]:
    """The words of ``ENGLISH_WORDS`` in ``text`` (whole words, case-sensitive)."""
    return [word for word in ENGLISH_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def visible_text(html: str) -> str:
    """The text of an HTML page a reader sees: no tags, scripts, styles or comments."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>|<!--.*?-->", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))
