"""OIDC login against a real provider: each role gets exactly its rights, the role is read
again at every login, a user without a role is refused and users are found by ``sub``."""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from contactmomenten.models import ContactmomentDetails, OidcIdentity
from contactmomenten.roles import ROLE_GROUP
from tests.factories import KissContactmomentDetailsBodyFactory

ROLE_CLAIMS = {"beheerder": "Beheerder", "analist": "Analist", "kcm": "Klantcontactmedewerker"}

# What each role may do, through the real pages and endpoints (status codes).
RIGHTS = {
    "beheerder": {
        "changelist": 200,
        "add": 200,
        "tokens": 200,
        "kiss_get": 404,
        "rapportage": 200,
        "kiss_put": 200,
    },
    "analist": {
        "changelist": 200,
        "add": 403,
        "tokens": 403,
        "kiss_get": 404,
        "rapportage": 200,
        "kiss_put": 403,
    },
    "kcm": {
        "changelist": 302,
        "add": 302,
        "tokens": 302,
        "kiss_get": 404,
        "rapportage": 403,
        "kiss_put": 200,
    },
}
PERIOD = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def rights_of(browser) -> dict:
    def status(method, path, **kwargs):
        return browser.request(method, path, **kwargs).status_code

    body = KissContactmomentDetailsBodyFactory()
    return {
        "changelist": status("GET", "/admin/contactmomenten/contactmomentdetails/"),
        "add": status("GET", "/admin/contactmomenten/contactmomentdetails/add/"),
        "tokens": status("GET", "/admin/contactmomenten/apitoken/"),
        "kiss_get": status("GET", "/api/contactmomentdetails", params={"id": "onbekend"}),
        "rapportage": status("GET", "/api/contactmomentendetails", params=PERIOD),
        "kiss_put": status(
            "PUT",
            "/api/contactmomentdetails",
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
        ),
    }


@pytest.mark.parametrize("role", ["beheerder", "analist", "kcm"])
def test_each_role_gets_exactly_its_rights(new_browser, oidc, role):
    oidc.account(f"sub-{role}", email=f"{role}@gemeente.nl", roles=[ROLE_CLAIMS[role]])

    browser = new_browser()
    page = browser.login(f"sub-{role}")

    assert page.status_code == 200
    landing = "/admin/" if role != "kcm" else "/oidc/ingelogd/"
    assert page.url == browser.rp + landing
    user = OidcIdentity.objects.get(sub=f"sub-{role}").user
    assert set(user.groups.values_list("name", flat=True)) == {ROLE_GROUP[role]}
    assert (user.is_staff, user.is_superuser, user.email) == (role != "kcm", False, f"{role}@gemeente.nl")
    assert not user.has_usable_password()
    assert rights_of(browser) == RIGHTS[role]


def test_kcm_session_is_accepted_by_the_kiss_put_which_stores_the_oidc_email(new_browser, oidc):
    oidc.account("sub-kcm-put", email="kcm.jansen@gemeente.nl", roles=["Klantcontactmedewerker"])
    browser = new_browser()
    browser.login("sub-kcm-put")
    body = KissContactmomentDetailsBodyFactory(emailadresKcm="iemand-anders@example.nl")

    response = browser.request(
        "PUT",
        "/api/contactmomentdetails",
        data=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 200, response.text
    assert (
        ContactmomentDetails.objects.get(contactmoment=body["id"]).emailadres_kcm == "kcm.jansen@gemeente.nl"
    )


def test_withdrawn_role_is_gone_at_the_next_login(new_browser, oidc):
    oidc.account("sub-wissel", email="wissel@gemeente.nl", roles=["Beheerder"])
    new_browser().login("sub-wissel")
    oidc.account("sub-wissel", email="wissel@gemeente.nl", roles=["Analist"])

    browser = new_browser()
    browser.login("sub-wissel")

    user = OidcIdentity.objects.get(sub="sub-wissel").user
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUP["analist"]]
    assert rights_of(browser) == RIGHTS["analist"]


def test_user_without_role_is_refused_in_dutch_and_no_account_is_created(new_browser, oidc):
    oidc.account("sub-geen-rol", email="geen.rol@gemeente.nl", roles=["Burger"])

    browser = new_browser()
    page = browser.login("sub-geen-rol")

    assert page.status_code == 403
    assert "geen rol voor kiss-details" in page.text
    assert not get_user_model().objects.filter(email="geen.rol@gemeente.nl").exists()
    assert browser.request("GET", "/admin/").status_code == 302  # not logged in
    # Not a password guess: it never counts toward django-axes' lockout of the admin login.
    assert not AccessAttempt.objects.exists()


def test_role_withdrawn_entirely_refuses_and_leaves_the_account_without_rights(new_browser, oidc):
    oidc.account("sub-vertrokken", email="vertrokken@gemeente.nl", roles=["Beheerder"])
    new_browser().login("sub-vertrokken")
    oidc.account("sub-vertrokken", email="vertrokken@gemeente.nl", roles=[])

    page = new_browser().login("sub-vertrokken")

    assert page.status_code == 403
    user = OidcIdentity.objects.get(sub="sub-vertrokken").user
    assert (user.groups.count(), user.is_staff, user.is_superuser) == (0, False, False)


def test_users_are_matched_on_sub_not_on_email(new_browser, oidc, django_user_model):
    local = django_user_model.objects.create_user("lokaal", email="gedeeld@gemeente.nl", password="x" * 20)
    oidc.account("sub-a", email="gedeeld@gemeente.nl", roles=["Analist"])
    new_browser().login("sub-a")
    oidc.account("sub-a", email="nieuw-adres@gemeente.nl", roles=["Analist"])
    new_browser().login("sub-a")

    user = OidcIdentity.objects.get(sub="sub-a").user
    assert user.pk != local.pk
    assert user.email == "nieuw-adres@gemeente.nl"
    assert django_user_model.objects.filter(oidc_identity__isnull=False).count() == 1
    local.refresh_from_db()
    assert local.groups.count() == 0


def test_role_claim_may_be_a_dotted_path_with_own_role_names(new_browser, oidc, settings):
    settings.OIDC_ROLE_CLAIM = "realm_access.roles"
    settings.OIDC_ANALIST_ROLE = "kiss-analist"
    oidc.account(
        "sub-keycloak", email="kc@gemeente.nl", roles=["Beheerder"], realm_access={"roles": ["kiss-analist"]}
    )

    new_browser().login("sub-keycloak")

    user = OidcIdentity.objects.get(sub="sub-keycloak").user
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUP["analist"]]
