"""Roles in the admin: the groups from the data migration, what an Analist may not do
(change, delete, tokens), what a Beheerder may, and ``manage.py assign_role``."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command, execute_from_command_line

from contactmomenten.constants import GROUP_ANALIST, GROUP_BEHEERDER, GROUP_KCM
from contactmomenten.models import ContactmomentDetails
from contactmomenten.roles import ROLE_PERMISSIONS, role_groups_sync, user_role
from tests.admin.helpers import CHANGELIST_URL, change_url, form_data
from tests.factories import ContactmomentDetailsFactory

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_migration_creates_the_role_groups_with_their_permissions():
    assert codenames(GROUP_BEHEERDER) >= {
        "change_contactmomentdetails",
        "delete_contactmomentdetails",
        "change_bron",
        "add_apitoken",
        "export_contactmomentdetails",
        "change_gespreksresultaatcategorie",
    }
    assert codenames(GROUP_ANALIST) == {
        "view_contactmomentdetails",
        "view_bron",
        "view_historicalcontactmomentdetails",
        "export_contactmomentdetails",
        "view_gespreksresultaatcategorie",
    }
    assert codenames(GROUP_KCM) == set()


def test_group_sync_removes_permissions_given_by_hand():
    from django.apps import apps
    from django.contrib.auth.models import Permission

    analist = Group.objects.get(name=GROUP_ANALIST)
    analist.permissions.add(Permission.objects.get(codename="delete_contactmomentdetails"))

    role_groups_sync(apps)

    assert codenames(GROUP_ANALIST) == ROLE_PERMISSIONS[GROUP_ANALIST]


def test_analist_can_view_the_change_form_but_not_save_it(admin_client_for):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden")
    client = admin_client_for("analist")

    assert client.get(change_url(details)).status_code == 200
    response = client.post(change_url(details), form_data(details, gespreksresultaat="Gewijzigd"))

    assert response.status_code == 403
    details.refresh_from_db()
    assert details.gespreksresultaat == "Doorverbonden"


def test_analist_has_no_delete_action_and_no_delete_page(admin_client_for):
    details = ContactmomentDetailsFactory()
    client = admin_client_for("analist")

    changelist = client.get(CHANGELIST_URL)

    assert changelist.status_code == 200
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "export_csv" in actions
    assert client.post(f"{CHANGELIST_URL}{details.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [details.pk]})
    assert ContactmomentDetails.objects.filter(pk=details.pk).exists()
    assert response.status_code in (200, 302)  # Django answers "no action selected"


def test_analist_cannot_see_or_manage_api_tokens(admin_client_for):
    client = admin_client_for("analist")

    assert client.get("/admin/contactmomenten/apitoken/").status_code == 403
    assert client.get("/admin/contactmomenten/apitoken/add/").status_code == 403


def test_beheerder_can_correct_a_record(admin_client_for):
    details = ContactmomentDetailsFactory(gespreksresultaat="Doorverbonden")
    client = admin_client_for("beheerder")

    response = client.post(
        change_url(details), form_data(details, gespreksresultaat="Zelfstandig afgehandeld")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    details.refresh_from_db()
    assert details.gespreksresultaat == "Zelfstandig afgehandeld"


def test_beheerder_can_delete_with_the_delete_action(admin_client_for):
    details = ContactmomentDetailsFactory(bronnen=2)
    client = admin_client_for("beheerder")

    actions = dict(client.get(CHANGELIST_URL).context["action_form"].fields["action"].choices)
    response = client.post(
        CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [details.pk], "post": "yes"}
    )

    assert "delete_selected" in actions
    assert response.status_code == 302
    assert not ContactmomentDetails.objects.filter(pk=details.pk).exists()


def test_beheerder_manages_api_tokens(admin_client_for):
    client = admin_client_for("beheerder")

    response = client.post("/admin/contactmomenten/apitoken/add/", {"name": "KISS test", "role": "kcm"})

    assert response.status_code == 200 and 'id="id_api_key"' in response.content.decode()
    assert client.get("/admin/contactmomenten/apitoken/").status_code == 200


def test_kcm_user_has_no_admin_access_to_records(admin_client_for):
    client = admin_client_for("kcm")

    assert client.get(CHANGELIST_URL).status_code == 403


def test_assign_role_command_gives_exactly_one_role_and_staff(django_user_model):
    user = django_user_model.objects.create_user("jan", password="geheim-wachtwoord-123")

    call_command("assign_role", "jan", "--role", "analist")
    call_command("assign_role", "jan", "--role", "beheerder")

    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_BEHEERDER]
    assert user.has_perm("contactmomenten.change_contactmomentdetails")


def test_assign_role_command_refuses_unknown_user():
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("assign_role", "niemand", "--role", "analist")


@pytest.mark.parametrize("role", ["analist", "kcm"])
def test_assign_role_refuses_a_lesser_role_for_a_superuser(django_user_model, role):
    user = django_user_model.objects.create_superuser("root", "root@example.nl", "geheim-wachtwoord-123")

    with pytest.raises(CommandError, match=r"superuser.*--force"):
        call_command("assign_role", "root", "--role", role)

    user.refresh_from_db()
    assert user.is_superuser and not user.groups.exists()


def test_assign_role_exits_non_zero_for_a_superuser(django_user_model, capsys):
    django_user_model.objects.create_superuser("root", "root@example.nl", "geheim-wachtwoord-123")

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "assign_role", "root", "--role", "analist"])

    assert exited.value.code != 0
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("role", ["analist", "kcm"])
def test_assign_role_force_removes_the_superuser_flag(django_user_model, role):
    user = django_user_model.objects.create_superuser("root", "root@example.nl", "geheim-wachtwoord-123")
    out = io.StringIO()

    call_command("assign_role", "root", "--role", role, "--force", stdout=out)

    user.refresh_from_db()
    assert not user.is_superuser
    assert "geen superuser meer" in out.getvalue()
    assert user_role(user) == role
    assert not user.has_perm("contactmomenten.delete_contactmomentdetails")


def test_assign_role_beheerder_keeps_a_superuser_as_it_is(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.nl", "geheim-wachtwoord-123")

    call_command("assign_role", "root", "--role", "beheerder")

    user.refresh_from_db()
    assert user.is_superuser
