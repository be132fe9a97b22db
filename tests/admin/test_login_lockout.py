"""Brute force on the admin login (django-axes, issue 11 §6): after AXES_FAILURE_LIMIT (5)
wrong passwords for one username from one address, that pair is locked with a Dutch page,
other users and other addresses are not; a beheerder sees and lifts the lock in the admin."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from contactmomenten.constants import GROUP_BEHEERDER
from contactmomenten.roles import AXES_PERMISSIONS

PASSWORD = "geheim-wachtwoord-123"  # tests/conftest.py user_with_group


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Dozens of password checks per test: a cheap hasher (the users are made after this)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(username: str, password: str, address: str = "10.1.1.1"):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


def fail(username: str, times: int, address: str = "10.1.1.1") -> None:
    """``times`` wrong passwords; each but one that reaches the limit shows the form again."""
    for attempt in range(1, times + 1):
        response = login(username, "fout-wachtwoord", address)
        assert response.status_code == (429 if attempt >= 5 else 200)


@pytest.mark.django_db
def test_five_failures_lock_that_user_from_that_address(analist_user):
    fail(analist_user.username, 4)
    assert login(analist_user.username, PASSWORD).status_code == 302  # 4 failures: still in

    fail(analist_user.username, 5)
    locked = login(analist_user.username, PASSWORD)  # even the right password

    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in html
    assert "5 keer een verkeerd wachtwoord" in html
    assert "Probeer het over 30 minuten opnieuw" in html
    assert "_auth_user_id" not in locked.client.session


@pytest.mark.django_db
def test_lock_is_per_username_and_address_never_per_address(analist_user, beheerder_user):
    fail(analist_user.username, 5)

    # A colleague behind the same (municipal) address, and the same user elsewhere, log in.
    assert login(beheerder_user.username, PASSWORD).status_code == 302
    assert login(analist_user.username, PASSWORD, address="10.2.2.2").status_code == 302
    assert login(analist_user.username, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(analist_user):
    fail(analist_user.username, 5)

    forged = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.77").post(
        "/admin/login/?next=/admin/", {"username": analist_user.username, "password": PASSWORD}
    )

    assert forged.status_code == 429


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=None)
def test_limit_is_configurable_and_without_cooloff_the_lock_stays(analist_user):
    login(analist_user.username, "fout-wachtwoord")
    login(analist_user.username, "fout-wachtwoord")

    locked = login(analist_user.username, PASSWORD)

    assert locked.status_code == 429
    assert "Vraag een beheerder om de blokkade op te heffen" in locked.content.decode()


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(analist_user):
    fail(analist_user.username, 4)
    assert login(analist_user.username, PASSWORD).status_code == 302
    fail(analist_user.username, 4)

    assert login(analist_user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_beheerder_unlocks_in_the_admin(analist_user, admin_client_for):
    fail(analist_user.username, 5)
    attempt = AccessAttempt.objects.get(username=analist_user.username)
    beheerder = admin_client_for("beheerder")

    index = beheerder.get("/admin/").content.decode()
    assert "Inlogbeveiliging" in index and "Toegangspogingen" in index
    listing = beheerder.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert analist_user.username in listing.content.decode()

    confirm = beheerder.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert confirm.status_code == 302
    assert login(analist_user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_analist_cannot_see_or_lift_locks(analist_user, admin_client_for):
    fail(analist_user.username, 5)
    attempt = AccessAttempt.objects.get()
    analist = admin_client_for("analist")

    assert analist.get("/admin/axes/accessattempt/").status_code == 403
    assert analist.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_beheerder_group_holds_exactly_the_axes_permissions():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=GROUP_BEHEERDER)
    held = set(group.permissions.filter(content_type__app_label="axes").values_list("codename", flat=True))

    assert held == AXES_PERMISSIONS[GROUP_BEHEERDER]


@pytest.mark.django_db
def test_logins_without_a_request_are_not_refused(analist_user):
    """manage.py and code calling authenticate() without a request (no network guess)."""
    from django.contrib.auth import authenticate

    fail(analist_user.username, 5)

    assert authenticate(username=analist_user.username, password=PASSWORD) == analist_user
