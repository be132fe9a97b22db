"""``manage.py ensure_admin``: make sure an admin login exists (used by ``make run``).

Takes DJANGO_SUPERUSER_USERNAME / DJANGO_SUPERUSER_PASSWORD (and _EMAIL) from the
environment; without them it creates ``admin`` with a random password printed once. An
existing user is left alone unless a password was given in the environment.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Zorg dat er een beheerder-login voor de admin bestaat."

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        user = User.objects.filter(username=username).first()
        if user is not None:
            if password:
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(f"Admin-login '{username}': wachtwoord uit de omgeving gezet.")
            else:
                self.stdout.write(f"Admin-login '{username}' bestaat al.")
            return
        shown = password is None
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        if shown:
            self.stdout.write(
                f"Admin-login aangemaakt: gebruiker '{username}', wachtwoord '{password}' "
                "(eenmalig getoond; bewaar het nu)."
            )
        else:
            self.stdout.write(f"Admin-login '{username}' aangemaakt met het wachtwoord uit de omgeving.")
