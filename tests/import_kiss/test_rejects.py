"""Rows upstream accepted but this service refuses: into the rejects file (every source
column and the reason, mode 0600, formula guard), counted, never imported or repaired."""

import csv
import json
import os
import stat

import pytest

from contactmomenten.models import ContactmomentDetails
from tests.conftest import requires_postgres
from tests.import_kiss.conftest import moment

pytestmark = requires_postgres
URL = "https://openklant.example.nl/klantcontacten/"
MISSING = "0001-01-01 00:00:00+00"


def _rejects(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize(
    ("columns", "bronnen", "reason"),
    [
        ({"Startdatum": MISSING}, (), "startdatum ontbreekt (0001-01-01)"),
        ({"Einddatum": MISSING}, (), "einddatum ontbreekt (0001-01-01)"),
        ({"Einddatum": moment(1, 8)}, (), "De einddatum mag niet voor de startdatum liggen."),
        (
            {"Vraag": "v" * 1001},
            (),
            "vraag: Zorg dat deze waarde niet meer dan 1000 tekens bevat (het zijn er nu 1001).",
        ),
        ({"Gespreksresultaat": "g" * 201}, (), "gespreksresultaat: Zorg dat deze waarde niet meer dan 200"),
        ({"VerantwoordelijkeAfdeling": "a" * 201}, (), "verantwoordelijke afdeling: Zorg dat"),
        ({"Id": "x" * 1001}, (), "contactmoment: Zorg dat deze waarde niet meer dan 1000"),
        ({"EmailadresKcm": "geen-adres"}, (), "e-mailadres KCM: Voer een geldig e-mailadres in."),
        ({}, [("website", "t" * 1001, "https://w")], "bron 1 titel: Zorg dat deze waarde niet meer dan 1000"),
        ({}, [("website", "T", "https://w"), ("s" * 51, "T", "u")], "bron 2 soort: Zorg dat"),
        ({}, [("website", "", "https://w")], "bron 1 titel: Dit veld kan niet leeg zijn"),
    ],
    ids=[
        "startdatum-0001",
        "einddatum-0001",
        "einddatum-voor-startdatum",
        "vraag-te-lang",
        "gespreksresultaat-te-lang",
        "afdeling-te-lang",
        "id-te-lang",
        "email-ongeldig",
        "bron-titel-te-lang",
        "bron-soort-te-lang",
        "bron-titel-leeg",
    ],
)
def test_a_bad_row_goes_to_the_rejects_file_with_its_reason(
    upstream, run_import, tmp_path, columns, bronnen, reason
):
    good = {"Id": f"{URL}goed", "Startdatum": moment(1), "Einddatum": moment(1, 10)}
    upstream.add(good.pop("Id"), *good.values())
    bad = {"Id": f"{URL}fout", "Startdatum": moment(2), "Einddatum": moment(2, 10), **columns}
    upstream.add(bad.pop("Id"), bad.pop("Startdatum"), bad.pop("Einddatum"), bronnen=bronnen, **bad)

    output = run_import()

    assert list(ContactmomentDetails.objects.values_list("contactmoment", flat=True)) == [f"{URL}goed"]
    [row] = _rejects(tmp_path / "afgewezen.csv")
    assert reason in row["Reden"]
    assert "afgewezen:   1" in output and "modus 0600" in output


def test_the_rejects_file_has_every_source_column_and_the_bronnen(upstream, run_import, tmp_path):
    upstream.add(
        f"{URL}1",
        moment(3, 10),
        moment(3, 9),
        Gespreksresultaat="Doorverbonden",
        Vraag="Paspoort",
        SpecifiekeVraag="Waar, en wanneer?",
        EmailadresKcm="kcm@example.nl",
        VerantwoordelijkeAfdeling="Burgerzaken",
        bronnen=[("vac", "Paspoort", "https://v/1"), ("website", "Balie", "https://w/2")],
    )

    run_import()

    [row] = _rejects(tmp_path / "afgewezen.csv")
    bronnen = json.loads(row.pop("Bronnen"))
    assert row == {
        "Id": f"{URL}1",
        "Startdatum": "2026-10-03 10:00:00+00",
        "Einddatum": "2026-10-03 09:00:00+00",
        "Gespreksresultaat": "Doorverbonden",
        "Vraag": "Paspoort",
        "SpecifiekeVraag": "Waar, en wanneer?",
        "EmailadresKcm": "kcm@example.nl",
        "VerantwoordelijkeAfdeling": "Burgerzaken",
        "Reden": "De einddatum mag niet voor de startdatum liggen.",
    }
    assert [(b["Soort"], b["Titel"], b["Url"]) for b in bronnen] == [
        ("vac", "Paspoort", "https://v/1"),
        ("website", "Balie", "https://w/2"),
    ]


def test_the_rejects_file_is_private_and_guards_formulas(upstream, run_import, tmp_path):
    path = tmp_path / "afgewezen.csv"
    path.write_text("oud")
    os.chmod(path, 0o644)  # an earlier file with looser rights gets 0600 too
    upstream.add(
        f"{URL}1", MISSING, moment(1), Vraag='=HYPERLINK("https://evil")', SpecifiekeVraag="+31 6 123"
    )

    run_import()

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    [row] = _rejects(path)
    assert row["Vraag"] == '\'=HYPERLINK("https://evil")'
    assert row["SpecifiekeVraag"] == "'+31 6 123"


def test_a_new_rejects_file_is_created_private(upstream, run_import, tmp_path):
    upstream.add(f"{URL}1", moment(1), moment(1, 10))
    path = tmp_path / "nieuw.csv"
    output = run_import(rejects=path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _rejects(path) == []
    assert "Geen afgewezen records" in output


def test_rejected_rows_are_counted_and_explain_the_monthly_difference(upstream, run_import):
    upstream.add(f"{URL}1", moment(1), moment(1, 10))
    upstream.add(f"{URL}2", moment(2, 10), moment(2, 9))
    upstream.add(f"{URL}3", MISSING, MISSING)

    output = run_import()

    assert "gelezen:     3" in output and "nieuw:       1" in output and "afgewezen:   2" in output
    # Source minus rejected equals target in every month, the 0001-01 one included.
    assert "bron en doel komen overeen (2 maanden)" in output


def test_dry_run_still_lists_the_rejects(upstream, run_import, tmp_path):
    upstream.add(f"{URL}1", MISSING, moment(1))
    output = run_import("--dry-run")
    assert len(_rejects(tmp_path / "afgewezen.csv")) == 1
    assert "afgewezen:   1" in output
    assert not ContactmomentDetails.objects.exists()


@pytest.mark.parametrize("column", ["Startdatum", "Einddatum"])
def test_a_null_date_is_rejected_as_missing(upstream, run_import, tmp_path, column):
    # The DDL says NOT NULL, but a database restored by hand or an older schema may not.
    upstream.execute(f'ALTER TABLE "ContactMomentDetails" ALTER COLUMN "{column}" DROP NOT NULL')
    upstream.add(f"{URL}1", moment(1), moment(1, 10))
    upstream.execute(f'UPDATE "ContactMomentDetails" SET "{column}" = NULL')

    output = run_import()

    [row] = _rejects(tmp_path / "afgewezen.csv")
    assert row[column] == "" and row["Reden"] == f"{column.lower()} ontbreekt"
    assert "afgewezen:   1" in output and not ContactmomentDetails.objects.exists()
