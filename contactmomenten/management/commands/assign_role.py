"""``manage.py assign_role USERNAME --role beheerder|analist|kcm``: give a user a role.

The role is a Django group (kept in sync by ``contactmomenten.roles``); the user gets
exactly that one role group, and admin roles also get staff status to log in to /admin.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contactmomenten.roles import ROLE_GROUP, user_role_assign


class Command(BaseCommand):
    help = "Geef een gebruiker een rol: beheerder, analist of kcm."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Gebruikersnaam van een bestaande gebruiker.")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUP), help="De rol.")

    @transaction.atomic
    def handle(self, *args, username, role, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"Gebruiker '{username}' bestaat niet.") from exc
        user_role_assign(user, role)
        self.stdout.write(f"Gebruiker '{username}' heeft nu de rol {role} (groep {ROLE_GROUP[role]}).")
