"""The KPI category of each gespreksresultaat (issue 8 §1), seeded with KISS's ten default
resultaten (``contactmomenten.constants.KISS_GESPREKSRESULTATEN``); a beheerder maps the
values his KISS adds in the admin. Rolling back removes the table and its mapping."""

from django.db import migrations, models


def kiss_defaults_seed(apps, schema_editor):
    from contactmomenten.constants import KISS_GESPREKSRESULTATEN

    model = apps.get_model("contactmomenten", "GespreksresultaatCategorie")
    for resultaat, categorie in KISS_GESPREKSRESULTATEN.items():
        model.objects.using(schema_editor.connection.alias).get_or_create(
            resultaat=resultaat, defaults={"categorie": str(categorie)}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contactmomenten", "0009_emailadres_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="GespreksresultaatCategorie",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "resultaat",
                    models.CharField(
                        help_text="De waarde van gespreksresultaat zoals KISS hem opslaat, exact (hoofdlettergevoelig); spaties aan het begin en eind tellen niet mee.",
                        max_length=200,
                        unique=True,
                        verbose_name="gespreksresultaat",
                    ),
                ),
                (
                    "categorie",
                    models.CharField(
                        choices=[
                            ("eerstelijns", "Eerstelijns afgehandeld"),
                            ("doorverbonden", "Doorverbonden"),
                            ("contactverzoek", "Contactverzoek"),
                            ("overig", "Overig"),
                        ],
                        help_text="Eerstelijns: door het KCC zelf afgehandeld; doorverbonden: naar de tweede lijn; contactverzoek; overig: al het andere.",
                        max_length=20,
                        verbose_name="KPI-categorie",
                    ),
                ),
            ],
            options={
                "verbose_name": "KPI-categorie van een gespreksresultaat",
                "verbose_name_plural": "KPI-categorieën van gespreksresultaten",
                "ordering": ["resultaat"],
            },
        ),
        migrations.RunPython(kiss_defaults_seed, migrations.RunPython.noop),
    ]
