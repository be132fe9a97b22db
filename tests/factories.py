"""factory-boy factories: realistic contactmomentdetails, bronnen and the exact JSON body
the KISS frontend sends (``KissContactmomentDetailsBodyFactory``)."""

import random
from datetime import UTC, timedelta

import factory
from django.utils import timezone

from contactmomenten import demo
from contactmomenten.models import Bron, ContactmomentDetails

_rng = random.Random(20261128)


class ContactmomentDetailsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactmomentDetails
        skip_postgeneration_save = True

    contactmoment = factory.Sequence(
        lambda n: f"https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/{n:08d}"
    )
    vraag = factory.LazyFunction(lambda: _rng.choice(demo.VRAGEN)[1])
    specifieke_vraag = factory.LazyFunction(lambda: _rng.choice(demo.SPECIFIEKE_VRAGEN))
    gespreksresultaat = factory.LazyFunction(lambda: _rng.choice(demo.GESPREKSRESULTATEN))
    startdatum = factory.LazyFunction(lambda: demo.office_hours_start(_rng))
    einddatum = factory.LazyAttribute(lambda o: o.startdatum + timedelta(seconds=_rng.randrange(60, 1201)))
    verantwoordelijke_afdeling = factory.LazyFunction(lambda: _rng.choice(demo.AFDELINGEN))
    gespreks_id = factory.LazyFunction(lambda: demo.nanoid(_rng))
    kanaal = factory.LazyFunction(lambda: _rng.choice(demo.KANALEN))
    emailadres_kcm = factory.Sequence(lambda n: f"kcm{n % 40}@example.nl")

    @factory.post_generation
    def bronnen(obj, create, extracted, **kwargs):
        """``ContactmomentDetailsFactory(bronnen=2)`` creates two bronnen with the record."""
        for _ in range(extracted or 0):
            BronFactory(contactmomentdetails=obj)


class BronFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bron

    contactmomentdetails = factory.SubFactory(ContactmomentDetailsFactory)
    soort = factory.LazyFunction(lambda: _rng.choice(demo.VRAGEN)[0])
    titel = factory.LazyFunction(lambda: _rng.choice(demo.VRAGEN)[1])
    url = factory.Sequence(lambda n: f"https://www.example.nl/kennisbank/artikel-{n}")


def _iso(moment):
    """As JavaScript's ``Date.prototype.toISOString()`` writes it: UTC, milliseconds, 'Z'."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class KissBronBodyFactory(factory.DictFactory):
    url = factory.Sequence(lambda n: f"https://kennisbank.example.nl/artikel/{n}")
    titel = "Paspoort aanvragen"
    soort = "kennisartikel"


class KissContactmomentDetailsBodyFactory(factory.DictFactory):
    """The body of ``writeContactmomentDetails`` in ContactmomentAfhandeling.vue: the spread
    contactmoment (with fields this service ignores) plus ``id`` and ``bronnen``."""

    bronorganisatie = "123456789"
    registratiedatum = factory.LazyFunction(lambda: _iso(timezone.now()))
    kanaal = "telefoon"
    tekst = "Notitie van de KCM met persoonsgegevens die hier niet bewaard mogen worden."
    onderwerpLinks = factory.LazyFunction(list)
    initiatiefnemer = "klant"
    vraag = "Paspoort aanvragen"
    specifiekevraag = "Hoe lang duurt het voor mijn paspoort klaar is?"
    gespreksresultaat = "Zelfstandig afgehandeld"
    verantwoordelijkeAfdeling = "Burgerzaken"
    startdatum = factory.LazyFunction(lambda: _iso(timezone.now() - timedelta(minutes=7)))
    einddatum = factory.LazyFunction(lambda: _iso(timezone.now()))
    gespreksId = factory.LazyFunction(lambda: demo.nanoid(_rng))
    voorkeurskanaal = ""
    voorkeurstaal = ""
    medewerker = ""
    bronnen = factory.LazyFunction(lambda: [KissBronBodyFactory(), KissBronBodyFactory(soort="vac")])
    id = factory.Sequence(
        lambda n: f"https://openklant.example.nl/klantinteracties/api/v1/klantcontacten/kiss-{n}"
    )


class KissContactverzoekBodyFactory(KissContactmomentDetailsBodyFactory):
    """A contactverzoek: the frontend merges mapContactverzoekData() into the body, with the
    citizen's name, e-mail and phone numbers (never to be stored here)."""

    gespreksresultaat = "Contactverzoek gemaakt"
    status = "te verwerken"
    toelichting = "Burger wil teruggebeld worden over de aanvraag."
    actor = factory.LazyFunction(
        lambda: {
            "naam": "Burgerzaken",
            "soortActor": "organisatorische eenheid",
            "identificatie": "BZ",
            "typeOrganisatorischeEenheid": "afdeling",
        }
    )
    betrokkene = factory.LazyFunction(
        lambda: {
            "rol": "klant",
            "klant": "https://openklant.example.nl/klanten/api/v1/klanten/42",
            "persoonsnaam": {"voornaam": "Jan", "voorvoegselAchternaam": "de", "achternaam": "Vries"},
            "organisatie": "",
            "digitaleAdressen": [
                {"adres": "jan@example.nl", "omschrijving": "e-mailadres", "soortDigitaalAdres": "email"},
                {"adres": "0612345678", "omschrijving": "telefoonnummer", "soortDigitaalAdres": "telnr"},
            ],
        }
    )
