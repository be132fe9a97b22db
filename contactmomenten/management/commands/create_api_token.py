"""``manage.py create_api_token NAME --role kcm|analist|beheerder``: a new API key.

The key is printed alone on the last line so scripts can take it with ``tail -n 1``.
"""

from django.core.management.base import BaseCommand

from contactmomenten.constants import Rol
from contactmomenten.services import api_token_create


class Command(BaseCommand):
    help = "Maak een API-token aan en toon de sleutel (eenmalig)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Naam van de API-client, bijvoorbeeld 'KISS productie'.")
        parser.add_argument("--role", required=True, choices=Rol.values, help="Rol van de client.")

    def handle(self, *args, name, role, **options):
        token, key = api_token_create(name=name, role=role)
        self.stderr.write(f"API-token '{token.name}' aangemaakt met rol {token.role}. Sleutel:")
        self.stdout.write(key)
