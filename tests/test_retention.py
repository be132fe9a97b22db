"""manage.py apply_retention (issue 9 §3): past the term BEWAARTERMIJN_DAGEN the personal
fields are empty in the records, their history and the export log, and nothing else changes.

Runs the real command on the real database; "the term" is measured from the command's own
clock, so the records lie a minute on either side of it.
"""

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.utils import timezone

from contactmomenten.models import Bron, ContactmomentDetails, ExportLog
from contactmomenten.statistieken import dashboard
from contactmomenten.statistieken.tabel import GROEPERINGEN
from tests.factories import BronFactory, ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db

DAYS = 30
ROOT = Path(__file__).resolve().parent.parent
History = ContactmomentDetails.history.model


@pytest.fixture(autouse=True)
def term(settings):
    settings.BEWAARTERMIJN_DAGEN = DAYS
    settings.BEWAARTERMIJN_BRONTITELS = False
    return settings


def _ended(days_ago: float, **fields) -> ContactmomentDetails:
    """A record that ended ``days_ago`` days ago, with bronnen and two history rows (+, ~)."""
    einddatum = timezone.now() - timedelta(days=days_ago)
    details = ContactmomentDetailsFactory(
        startdatum=einddatum - timedelta(minutes=7),
        einddatum=einddatum,
        **{"specifieke_vraag": "Eerste vraag van J. de Vries.", **fields},
    )
    for titel in ("Paspoort aanvragen voor J. de Vries", "Verhuizing"):
        BronFactory(contactmomentdetails=details, titel=titel)
    details.specifieke_vraag = "Mijn paspoort, J. de Vries, 12-03-1980, is verlopen."
    details.save()  # the "~" row also snapshots the bronnen
    return details


OUTSIDE = DAYS + 1 / (24 * 60)  # a minute past the term
INSIDE = DAYS - 1 / (24 * 60)  # a minute within it


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def _state() -> dict:
    """Every column of every table the command may touch."""
    return {
        "records": list(ContactmomentDetails.objects.order_by("id").values()),
        "history": list(History.objects.order_by("history_id").values()),
        "bronnen": list(Bron.objects.order_by("id").values()),
        "export_log": list(ExportLog.objects.order_by("id").values()),
    }


def _personal(details) -> list[tuple]:
    rows = History.objects.filter(id=details.id).order_by("history_id")
    return [
        (details.specifieke_vraag, details.emailadres_kcm),
        *rows.values_list("specifieke_vraag", "emailadres_kcm"),
    ]


def test_a_record_and_its_history_just_past_the_term_lose_their_personal_data():
    old, recent = _ended(OUTSIDE), _ended(INSIDE)
    before = {d.pk: ContactmomentDetails.objects.values().get(pk=d.pk) for d in (old, recent)}

    output = run()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert _personal(old) == [("", "")] * 3
    assert all(vraag and email for vraag, email in _personal(recent))
    assert ContactmomentDetails.objects.values().get(pk=recent.pk) == before[recent.pk]
    # Only the personal columns (and gewijzigd) of the old record changed.
    kept = {
        k: v
        for k, v in before[old.pk].items()
        if k not in ("specifieke_vraag", "emailadres_kcm", "gewijzigd")
    }
    assert {
        k: v for k, v in ContactmomentDetails.objects.values().get(pk=old.pk).items() if k in kept
    } == kept
    assert old.gewijzigd > before[old.pk]["gewijzigd"]
    history = History.objects.filter(id=old.id).order_by("history_id").values("vraag", "history_bronnen")
    assert all(row["vraag"] == old.vraag for row in history)
    assert "J. de Vries" in history.last()["history_bronnen"]  # bron titels stay by default
    assert "contactmomentdetails:              1" in output
    assert "historie van contactmomentdetails: 2" in output  # its + and ~ rows
    assert "BEWAARTERMIJN_BRONTITELS staat uit" in output
    assert Bron.objects.filter(titel__contains="J. de Vries").count() == 2


def test_the_history_of_a_deleted_record_is_anonymised_once_every_version_ended_past_the_term():
    gone = _ended(OUTSIDE)
    moved = _ended(OUTSIDE)
    moved.einddatum = moved.startdatum = timezone.now() - timedelta(days=INSIDE)
    moved.save()  # a version within the term
    gone_id, moved_id = gone.id, moved.id
    gone.delete()
    moved.delete()

    run()

    assert set(History.objects.filter(id=gone_id).values_list("specifieke_vraag", "emailadres_kcm")) == {
        ("", "")
    }
    assert all(
        vraag for vraag in History.objects.filter(id=moved_id).values_list("specifieke_vraag", flat=True)
    )


def test_dry_run_writes_nothing_and_counts_what_a_run_changes():
    _ended(OUTSIDE)
    _ended(OUTSIDE + 400)
    _ended(INSIDE)
    ExportLog.objects.create(
        username="analist", formaat="csv", filter='zoekterm = "jan"', selectie="lijst",
        moment=timezone.now() - timedelta(days=OUTSIDE),
    )  # fmt: skip
    before = _state()

    dry = run("--dry-run")

    assert _state() == before
    assert dry.startswith("Proefdraai (--dry-run): er is niets geschreven.")
    real = run()
    counts = [line.split(":")[-1] for line in real.splitlines()[2:]]
    assert [line.split(":")[-1] for line in dry.splitlines()[2:]] == counts
    assert counts[:2] == ["              2", " 4"]


def test_a_second_run_changes_nothing():
    for days in (OUTSIDE, OUTSIDE + 1, INSIDE, 400):
        _ended(days)
    run("--batch-size", "1")
    after_first = _state()

    output = run("--batch-size", "1")

    assert _state() == after_first
    assert "contactmomentdetails:              0" in output
    assert "historie van contactmomentdetails: 0" in output


def test_batches_of_one_give_the_same_result_as_one_batch():
    records = [_ended(OUTSIDE + n) for n in range(5)] + [_ended(INSIDE)]
    run("--batch-size", "2")
    assert [_personal(d) == [("", "")] * 3 for d in ContactmomentDetails.objects.order_by("id")] == [
        True
    ] * 5 + [False]
    assert len(records) == 6


def _statistics(client):
    queryset = ContactmomentDetails.objects.all()
    api = {}
    for key in (None, *GROEPERINGEN):
        response = client.get("/api/v1/statistieken", {"groeperen": key} if key else {})
        assert response.status_code == 200, response.content
        api[key] = response.json()
    return {
        "api": api,
        "totalen": dashboard.dashboard_totalen(queryset),
        "dag": dashboard.dashboard_per_periode(queryset, "dag"),
        "week": dashboard.dashboard_per_periode(queryset, "week"),
        "afdeling": dashboard.dashboard_per_afdeling(queryset),
        "drukte": dashboard.dashboard_drukte(queryset),
        "kanaal": dashboard.dashboard_per_kanaal(queryset),
        "vragen": dashboard.dashboard_top_vragen(queryset),
        "histogram": dashboard.gespreksduur_histogram(queryset),
        "ongemapt": dashboard.ongemapte_resultaten(queryset),
        "bronsoorten": sorted(Bron.objects.values_list("contactmomentdetails_id", "soort", "url")),
    }


@pytest.mark.parametrize("brontitels", [False, True])
def test_the_statistics_are_identical_before_and_after(term, brontitels, api_client):
    term.BEWAARTERMIJN_BRONTITELS = brontitels
    for n in range(12):
        _ended(OUTSIDE + n * 3, gespreks_id=f"gesprek-{n // 2}")
    for n in range(4):
        _ended(INSIDE - n)
    client = api_client("beheerder")
    before = _statistics(client)
    assert before["api"][None][0]["aantal"] == 16 and len(before["api"]["dag"]) > 10

    run()

    assert ContactmomentDetails.objects.filter(specifieke_vraag="").count() == 12
    assert _statistics(client) == before


def test_brontitels_empties_the_titels_of_bronnen_and_history_snapshots(term):
    term.BEWAARTERMIJN_BRONTITELS = True
    old, recent = _ended(OUTSIDE), _ended(INSIDE)

    output = run()

    assert set(Bron.objects.filter(contactmomentdetails=old).values_list("titel", flat=True)) == {""}
    assert Bron.objects.filter(contactmomentdetails=recent, titel="").count() == 0
    snapshots = list(
        History.objects.filter(id=old.id).order_by("history_id").values_list("history_bronnen", flat=True)
    )
    urls = list(Bron.objects.filter(contactmomentdetails=old).values_list("soort", "url"))
    assert snapshots[-1] == "\n".join(f"{soort}:  ({url})" for soort, url in urls)
    assert "J. de Vries" not in "".join(snapshots)
    assert "J. de Vries" in History.objects.filter(id=recent.id).latest("history_id").history_bronnen
    assert "bronnen (titel):                   2" in output
    assert "bronnen (titel):                   0" in run()


def test_the_export_log_keeps_who_exported_what_not_the_search_terms_past_the_term():
    def log(days_ago, filter_text):
        return ExportLog.objects.create(
            username="analist-1", formaat="xlsx", filter=filter_text, selectie="lijst", aantal_rijen=3,
            voltooid=True, moment=timezone.now() - timedelta(days=days_ago),
        )  # fmt: skip

    text = 'maand = 2026-03, afdeling = Burgerzaken, zoekterm = "jan.jansen@example.nl", kanaal = telefoon'
    old, recent = log(OUTSIDE, text), log(INSIDE, text)
    plain = log(OUTSIDE, "afdeling = Burgerzaken")
    before = ExportLog.objects.values().get(pk=old.pk)

    assert "exportregels (filter):             1" in run()

    old.refresh_from_db()
    assert old.filter == (
        "maand = 2026-03, afdeling = Burgerzaken, kanaal = telefoon, "
        "zoekterm en overige filters verwijderd na de bewaartermijn"
    )
    assert {k: v for k, v in ExportLog.objects.values().get(pk=old.pk).items() if k != "filter"} == {
        k: v for k, v in before.items() if k != "filter"
    }
    assert ExportLog.objects.get(pk=recent.pk).filter == text
    assert ExportLog.objects.get(pk=plain.pk).filter == "afdeling = Burgerzaken"


def test_without_a_term_the_command_keeps_everything(term):
    term.BEWAARTERMIJN_DAGEN = None
    _ended(400)
    before = _state()
    assert "BEWAARTERMIJN_DAGEN is niet ingesteld" in run()
    assert _state() == before


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(CommandError, match="--batch-size moet minimaal 1 zijn"):
        run("--batch-size", "0")


def test_a_failing_database_exits_non_zero_with_one_clear_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "apply_retention"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "ENV_FILE": "",
            "SECRET_KEY": "x",
            "BEWAARTERMIJN_DAGEN": "30",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kiss_ret_bestaat_niet",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Bewaartermijn toepassen mislukt" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("dagen", "debug", "warned"), [(None, False, True), (None, True, False), (365, False, False)]
)
def test_check_warns_in_production_without_a_term(settings, dagen, debug, warned):
    settings.BEWAARTERMIJN_DAGEN = dagen
    settings.DEBUG = debug
    found = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "contactmomenten.W004"]
    assert bool(found) == warned
