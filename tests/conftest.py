"""Shared fixtures: API clients per role that send a real Authorization header, JWTs for
the managementinformatie scheme, and admin users with a role."""

import json
import os
import time
from urllib.parse import quote

import jwt
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from contactmomenten.constants import GROUP_ANALIST, GROUP_BEHEERDER, GROUP_KCM
from contactmomenten.services import api_token_create

JWT_TEST_KEY = "een-geheime-sleutel-van-minstens-32-tekens-lang"
ROLES = ("kcm", "analist", "beheerder")

# The tests and every manage.py they start see the environment the run was given, never the
# .env that `make run` wrote for the developer (DEBUG=true there).
os.environ["ENV_FILE"] = ""

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (make test uses it when it answers)"
)


def database_url(settings_dict, name: str) -> str:
    """A URL for database ``name`` on the server of ``settings_dict`` (for subprocesses)."""
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


class StreamReadingAPIClient(APIClient):
    """An APIClient that reads a streamed response whole, as an HTTP client would, so tests
    can call ``response.json()`` on the streamed list endpoints too (``response.body``: the
    bytes; ``streaming_content`` stays readable once)."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        if response.streaming:
            response.body = b"".join(response.streaming_content)
            response.streaming_content = [response.body]
            if response.get("Content-Type", "").startswith("application/json"):
                response._json = json.loads(response.body)
        return response


def make_jwt(key: str = JWT_TEST_KEY, algorithm: str = "HS256", lifetime: int = 3600, **claims) -> str:
    now = int(time.time())
    payload = {"iat": now, "exp": now + lifetime, **claims}
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


@pytest.fixture
def jwt_key(settings):
    settings.MANAGEMENTINFORMATIE_API_KEY = JWT_TEST_KEY
    return JWT_TEST_KEY


@pytest.fixture
def api_client(db, jwt_key):
    """``api_client(role)``: an APIClient authenticated as ``role``.

    role is one of kcm, analist, beheerder (Token header), "jwt" (Bearer JWT) or None
    (anonymous).
    """

    def make(role: str | None = None) -> APIClient:
        client = StreamReadingAPIClient()
        if role == "jwt":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_jwt()}")
        elif role is not None:
            _, key = api_token_create(name=f"test-{role}", role=role)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def user_with_group(db, django_user_model):
    """``user_with_group(group_name)``: a staff user in that Django group."""

    def make(group_name: str, **extra):
        group, _ = Group.objects.get_or_create(name=group_name)
        user = django_user_model.objects.create_user(
            username=f"{group_name.lower()}-{django_user_model.objects.count()}",
            password="geheim-wachtwoord-123",
            email=extra.pop("email", f"{group_name.lower()}@example.nl"),
            is_staff=True,
            **extra,
        )
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def beheerder_user(user_with_group):
    return user_with_group(GROUP_BEHEERDER)


@pytest.fixture
def analist_user(user_with_group):
    return user_with_group(GROUP_ANALIST)


@pytest.fixture
def kcm_user(user_with_group):
    return user_with_group(GROUP_KCM)


@pytest.fixture
def admin_client_for(db, user_with_group, django_user_model):
    """``admin_client_for(role)``: a client logged in as a staff user with that role
    (beheerder, analist, kcm) or as a superuser ("superuser")."""

    def make(role: str) -> Client:
        if role == "superuser":
            user = django_user_model.objects.create_superuser("super", "super@example.nl", "geheim-123-abc")
        else:
            user = user_with_group(
                {"beheerder": GROUP_BEHEERDER, "analist": GROUP_ANALIST, "kcm": GROUP_KCM}[role]
            )
        client = Client()  # django.test.Client: the admin works with sessions
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def role_groups(transactional_db):
    """The role groups with their permissions, as the data migration made them: an earlier
    transactional test's flush recreated the content types under new ids, so the cached ones
    are stale and the groups may have lost their permissions."""
    from django.apps import apps as django_apps
    from django.contrib.contenttypes.models import ContentType

    from contactmomenten.roles import role_groups_sync

    ContentType.objects.clear_cache()
    role_groups_sync(django_apps)
