"""``manage.py assign_role USERNAME --role beheerder|analist|kcm``: give a user a role.

The role is a Django group (kept in sync by ``contactmomenten.roles``); the user gets
exactly that one role group, and admin roles also get staff status to log in to /admin.
A superuser keeps every right whatever its groups say, so it cannot get the role analist
or kcm: the command refuses, or with ``--force`` removes the superuser flag first.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contactmomenten.roles import ROLE_GROUP, SuperuserRoleConflict, user_role_assign


class Command(BaseCommand):
    help = "Geef een gebruiker een rol: beheerder, analist of kcm."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Gebruikersnaam van een bestaande gebruiker.")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUP), help="De rol.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Een superuser die de rol analist of kcm krijgt, verliest zijn superuser-status.",
        )

    @transaction.atomic
    def handle(self, *args, username, role, force=False, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"Gebruiker '{username}' bestaat niet.") from exc
        was_superuser = user.is_superuser
        try:
            user_role_assign(user, role, drop_superuser=force)
        except SuperuserRoleConflict as exc:
            raise CommandError(
                f"Gebruiker '{username}' is superuser en houdt daarmee alle rechten, ook als "
                f"hij de rol {role} krijgt. Gebruik --force om de superuser-status te verwijderen. "
                f"(User '{username}' is a superuser and keeps every right; --force removes "
                "the superuser flag.)"
            ) from exc
        if was_superuser and not user.is_superuser:
            self.stdout.write(f"Gebruiker '{username}' is geen superuser meer.")
        self.stdout.write(f"Gebruiker '{username}' heeft nu de rol {role} (groep {ROLE_GROUP[role]}).")
