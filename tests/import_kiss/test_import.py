"""manage.py import_kiss against a real upstream KISS database (tables from upstream's DDL):
exact mapping, bronnen order, idempotence, incremental runs, dry-run, resume, history."""

from datetime import timedelta

import pytest
from django.core import checks
from django.core.management import CommandError

from contactmomenten.kiss_import import DEFERRED_INDEX_TABLES
from contactmomenten.kiss_import import progress as progress_module
from contactmomenten.kiss_import.writer import RecordsWriter
from contactmomenten.models import Bron, ContactmomentDetails, UitgesteldeIndex
from contactmomenten.services import contactmomentdetails_upsert
from tests.concurrency import run_concurrently
from tests.conftest import requires_postgres
from tests.import_kiss.conftest import moment
from tests.schema import indexes_and_constraints

pytestmark = requires_postgres
URL = "https://openklant.example.nl/klantinteracties/api/v2/klantcontacten/"


def _state():
    """Everything the import decides, per record: fields and bronnen in order."""
    return {
        d.contactmoment: (
            d.vraag,
            d.specifieke_vraag,
            d.gespreksresultaat,
            d.startdatum,
            d.einddatum,
            d.verantwoordelijke_afdeling,
            d.emailadres_kcm,
            d.gespreks_id,
            d.kanaal,
            [(b.soort, b.titel, b.url) for b in d.bronnen.all()],
        )
        for d in ContactmomentDetails.objects.prefetch_related("bronnen")
    }


TABLES = (*DEFERRED_INDEX_TABLES, Bron._meta.db_table)


def _deferred_warnings():
    return [m for m in checks.run_checks(databases=["default"]) if m.id == "contactmomenten.W005"]


def _interrupt_after_first_batch(monkeypatch):
    calls = []
    advance = progress_module.Progress.advance

    def interrupt(self, rows):
        advance(self, rows)
        calls.append(rows)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(progress_module.Progress, "advance", interrupt)
    return monkeypatch


def _seed(upstream, count=3):
    for n in range(count):
        upstream.add(
            f"{URL}{n}",
            moment(n + 1),
            moment(n + 1, minute=7),
            Gespreksresultaat="Zelfstandig afgehandeld",
            Vraag=f"Paspoort aanvragen {n}",
            SpecifiekeVraag="Hoe lang duurt het?",
            EmailadresKcm="kcm@example.nl",
            VerantwoordelijkeAfdeling="Burgerzaken",
            bronnen=[
                ("kennisartikel", f"Z-artikel {n}", f"https://k/{n}/z"),
                ("website", "A-site", "https://w/a"),
            ],
        )


def test_full_import_maps_every_field_and_keeps_the_bronnen_in_upstream_order(upstream, run_import):
    upstream.add(
        f"{URL}1",
        moment(1, 9, 0),
        moment(1, 9, 12),
        Gespreksresultaat="Doorverbonden",
        Vraag="Verhuizing doorgeven",
        SpecifiekeVraag="Per wanneer?\nEn mijn kinderen?",
        EmailadresKcm="jan@gemeente.nl",
        VerantwoordelijkeAfdeling="Burgerzaken",
        bronnen=[
            ("werkinstructie", "Zoo verhuizen", "https://w/z"),
            ("kennisartikel", "Adres wijzigen", "https://k/a"),
            ("vac", "Middel", "https://v/m"),
        ],
    )
    upstream.add(f"{URL}2", moment(2), moment(2, minute=1))  # every optional column NULL

    output = run_import()

    assert _state() == {
        f"{URL}1": (
            "Verhuizing doorgeven",
            "Per wanneer?\nEn mijn kinderen?",
            "Doorverbonden",
            moment(1, 9, 0),
            moment(1, 9, 12),
            "Burgerzaken",
            "jan@gemeente.nl",
            "",
            "",
            [
                ("werkinstructie", "Zoo verhuizen", "https://w/z"),
                ("kennisartikel", "Adres wijzigen", "https://k/a"),
                ("vac", "Middel", "https://v/m"),
            ],
        ),
        f"{URL}2": ("", "", "", moment(2), moment(2, minute=1), "", "", "", "", []),
    }
    assert "gelezen:     2" in output and "nieuw:       2" in output and "bronnen:     3" in output
    assert "bron en doel komen overeen (1 maanden)" in output


def test_running_twice_changes_nothing_the_second_time(upstream, run_import):
    _seed(upstream)
    run_import()
    before = _state()
    gewijzigd = dict(ContactmomentDetails.objects.values_list("contactmoment", "gewijzigd"))
    bron_ids = list(Bron.objects.values_list("id", flat=True))
    history = ContactmomentDetails.history.count()

    output = run_import()

    assert _state() == before
    assert dict(ContactmomentDetails.objects.values_list("contactmoment", "gewijzigd")) == gewijzigd
    assert list(Bron.objects.values_list("id", flat=True)) == bron_ids  # not rewritten
    assert ContactmomentDetails.history.count() == history
    assert "nieuw:       0" in output and "bijgewerkt:  0" in output and "ongewijzigd: 3" in output


def test_incremental_run_takes_updated_new_and_rebronned_records(upstream, run_import):
    _seed(upstream)
    run_import()
    upstream.execute(
        'UPDATE "ContactMomentDetails" SET "Gespreksresultaat" = %s, "Einddatum" = %s WHERE "Id" = %s',
        ["Terugbelverzoek", moment(1, minute=30), f"{URL}0"],
    )
    upstream.replace_bronnen(
        f"{URL}1", [("nieuwsbericht", "Nieuw", "https://n/1"), ("vac", "B", "https://v/b")]
    )
    upstream.add(f"{URL}9", moment(9), moment(9, 10), Vraag="Nieuw record")

    output = run_import()

    state = _state()
    assert state[f"{URL}0"][2] == "Terugbelverzoek" and state[f"{URL}0"][4] == moment(1, minute=30)
    assert state[f"{URL}1"][9] == [("nieuwsbericht", "Nieuw", "https://n/1"), ("vac", "B", "https://v/b")]
    assert state[f"{URL}9"][0] == "Nieuw record"
    assert state[f"{URL}2"][9] == [
        ("kennisartikel", "Z-artikel 2", "https://k/2/z"),
        ("website", "A-site", "https://w/a"),
    ]
    assert ContactmomentDetails.objects.count() == 4
    assert "nieuw:       1" in output and "bijgewerkt:  2" in output and "ongewijzigd: 1" in output
    # The "~" rows carry the new bronnen, as a PUT's do.
    changed = ContactmomentDetails.history.filter(contactmoment=f"{URL}1", history_type="~").get()
    assert changed.history_bronnen == "nieuwsbericht: Nieuw (https://n/1)\nvac: B (https://v/b)"


def test_a_record_an_api_put_created_meanwhile_gets_upstreams_bronnen_instead_of_its_own(
    upstream, run_import, monkeypatch
):
    _seed(upstream, count=2)
    # KISS writes the record after the import read the batch's stored versions and before
    # its upsert: the import did not see it, its upsert becomes an update.
    contactmomentdetails_upsert(
        contactmoment=f"{URL}1",
        data={"startdatum": moment(1), "einddatum": moment(1, minute=3), "vraag": "Via KISS"},
        bronnen=[{"soort": "website", "titel": "Eigen", "url": "https://eigen/1"}],
    )
    monkeypatch.setattr(RecordsWriter, "_stored", lambda self, cursor: {})

    output = run_import()

    assert "nieuw:       1" in output and "bijgewerkt:  1" in output
    assert ContactmomentDetails.objects.count() == 2
    assert _state()[f"{URL}1"][9] == [
        ("kennisartikel", "Z-artikel 1", "https://k/1/z"),
        ("website", "A-site", "https://w/a"),
    ]


def test_since_imports_only_records_from_that_day(upstream, run_import):
    _seed(upstream, count=4)  # startdatum 1..4 October

    output = run_import("--since", "2026-10-03")

    assert sorted(ContactmomentDetails.objects.values_list("contactmoment", flat=True)) == [
        f"{URL}2",
        f"{URL}3",
    ]
    assert "gelezen:     2" in output and "komen overeen" in output


def test_a_value_entered_here_for_a_field_upstream_lacks_stays(upstream, run_import):
    _seed(upstream, count=1)
    run_import()
    ContactmomentDetails.objects.update(kanaal="telefoon")
    upstream.execute('UPDATE "ContactMomentDetails" SET "Vraag" = %s', ["Anders"])

    run_import()

    assert ContactmomentDetails.objects.get().kanaal == "telefoon"
    assert ContactmomentDetails.objects.get().vraag == "Anders"


def test_gespreks_id_is_imported_when_upstream_has_the_column(upstream, run_import):
    upstream.execute('ALTER TABLE "ContactMomentDetails" ADD COLUMN "GespreksId" text')
    upstream.add(f"{URL}1", moment(1), moment(1, 10), GespreksId="abc_123-X")

    run_import()

    assert ContactmomentDetails.objects.get().gespreks_id == "abc_123-X"


def test_dry_run_writes_nothing(upstream, run_import):
    _seed(upstream)

    output = run_import("--dry-run")

    assert not ContactmomentDetails.objects.exists()
    assert not Bron.objects.exists()
    assert not ContactmomentDetails.history.exists()
    assert "Proefdraai" in output and "nieuw:       3" in output
    assert "verschillen" in output  # the target lacks the three records


def test_an_interrupted_run_resumed_gives_the_same_final_state(upstream, run_import, monkeypatch):
    _seed(upstream, count=7)
    schema = indexes_and_constraints(TABLES)
    _interrupt_after_first_batch(monkeypatch)
    with pytest.raises(CommandError, match="Onderbroken") as interrupted:
        run_import("--batch-size", "3")
    assert ContactmomentDetails.objects.count() == 3  # the first batch stayed
    partial = _state()
    # The first import into the empty table left its indexes to the run that resumes it.
    missing = schema - indexes_and_constraints(TABLES)
    assert {name for name, _ in missing} == set(UitgesteldeIndex.objects.values_list("naam", flat=True))
    assert "cmd_vraag_trgm_idx" in {name for name, _ in missing}
    assert f"ontbreken {len(missing)} indexen" in str(interrupted.value)
    assert f"{len(missing)} indexes are missing" in _deferred_warnings()[0].msg
    monkeypatch.undo()

    output = run_import("--batch-size", "3")

    assert "nieuw:       4" in output and "ongewijzigd: 3" in output
    assert f"indexen:     {len(missing)} in één keer opgebouwd" in output
    final = _state()
    assert len(final) == 7 and all(final[key] == value for key, value in partial.items())
    # One "+" row per record, none twice.
    assert ContactmomentDetails.history.filter(history_type="+").count() == 7
    assert ContactmomentDetails.history.count() == 7
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists() and not _deferred_warnings()


def test_a_first_import_builds_every_index_and_constraint_back_as_it_was(upstream, run_import):
    _seed(upstream, count=5)
    schema = indexes_and_constraints(TABLES)
    assert {"cmd_specifieke_vraag_trgm_idx", "cmd_startdatum_id_idx"} <= {name for name, _ in schema}

    output = run_import("--batch-size", "2")

    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists()
    assert "indexen:" in output and ContactmomentDetails.objects.count() == 5


@pytest.mark.parametrize("situation", ["a record is already here", "dry run"])
def test_only_a_real_import_into_an_empty_table_sets_indexes_aside(
    upstream, run_import, monkeypatch, situation
):
    _seed(upstream, count=5)
    if situation == "dry run":
        args = ("--dry-run",)
    else:
        args = ()
        ContactmomentDetails.objects.create(
            contactmoment="https://elders/1", startdatum=moment(1), einddatum=moment(1, minute=5)
        )
    schema = indexes_and_constraints(TABLES)
    _interrupt_after_first_batch(monkeypatch)

    with pytest.raises(CommandError, match="Onderbroken") as interrupted:
        run_import("--batch-size", "2", *args)

    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists() and "indexen" not in str(interrupted.value)


def test_history_records_the_import_as_one_actor(upstream, run_import):
    _seed(upstream, count=2)
    run_import()
    upstream.execute(
        'UPDATE "ContactMomentDetails" SET "Vraag" = %s WHERE "Id" = %s', ["Gewijzigd", f"{URL}0"]
    )
    run_import()

    rows = ContactmomentDetails.history.order_by("history_id")
    assert sorted((r.contactmoment, r.history_type) for r in rows) == [
        (f"{URL}0", "+"),
        (f"{URL}0", "~"),
        (f"{URL}1", "+"),
    ]
    assert {(r.history_api_client, r.history_user_id) for r in rows} == {("import_kiss", None)}
    first = rows.filter(history_type="+", contactmoment=f"{URL}0").get()
    assert (
        first.history_bronnen == "kennisartikel: Z-artikel 0 (https://k/0/z)\nwebsite: A-site (https://w/a)"
    )
    assert rows.filter(history_type="~").get().vraag == "Gewijzigd"


def test_without_history_writes_no_history_rows(upstream, run_import):
    _seed(upstream, count=2)
    run_import("--zonder-historie")
    assert ContactmomentDetails.objects.count() == 2
    assert not ContactmomentDetails.history.exists()


def test_unknown_source_tables_are_a_clear_error(upstream, run_import):
    upstream.execute('DROP TABLE "ContactMomentDetailsBronnen", "ContactMomentDetails"')
    with pytest.raises(CommandError, match="ContactMomentDetails"):
        run_import()


def test_the_verification_shows_a_month_that_differs(upstream, run_import):
    _seed(upstream, count=2)
    run_import()
    ContactmomentDetails.objects.filter(contactmoment=f"{URL}0").update(
        startdatum=moment(1) - timedelta(days=40)
    )
    ContactmomentDetails.objects.filter(contactmoment=f"{URL}0").update(
        einddatum=moment(1) - timedelta(days=40)
    )
    output = run_import("--dry-run")
    assert "2026-08" in output and "2026-10" in output


def test_two_imports_started_together_on_the_empty_table_both_finish_with_every_index_back(
    upstream, run_import, transactional_db, tmp_path
):
    _seed(upstream, count=12)
    schema = indexes_and_constraints(TABLES)

    outcomes = run_concurrently(
        [lambda n=n: run_import("--batch-size", "2", rejects=tmp_path / f"afgewezen-{n}.csv") for n in (1, 2)]
    )

    assert all("Samenvatting" in str(outcome) for outcome in outcomes), outcomes
    assert indexes_and_constraints(TABLES) == schema
    assert not UitgesteldeIndex.objects.exists()
    state = _state()
    assert len(state) == 12 and ContactmomentDetails.objects.count() == 12
    assert all(len(value[9]) == 2 for value in state.values())  # the bronnen of one write each
