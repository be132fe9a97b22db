"""Admin roles as Django groups: which permissions Beheerder, Analist and KCM hold.

The groups are created by a data migration and brought back in line after every
``migrate`` (post_migrate), so a permission added here, or a model added later, reaches
every installation without manual clicking. A group holds exactly the permissions listed
here: extra permissions given by hand are removed on the next migrate. Give a user a role
with ``manage.py assign_role USERNAME --role beheerder|analist|kcm``; an OIDC login sets it
from the identity provider's claims (``user_rights_replace``).

``ROLE_GROUP`` is the one map between roles and groups; ``user_role`` gives any user or API
client its role (the API's permissions, the admin and ``contactmomenten.privacy`` use it).
"""

from contactmomenten.constants import GROUP_ANALIST, GROUP_BEHEERDER, GROUP_KCM, Rol

APP_LABEL = "contactmomenten"
EXPORT_PERMISSION = f"{APP_LABEL}.export_contactmomentdetails"

_CRUD = ("view", "add", "change", "delete")

# Codenames within the contactmomenten app.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    GROUP_BEHEERDER: frozenset(
        [
            f"{action}_{model}"
            for action in _CRUD
            for model in ("contactmomentdetails", "bron", "apitoken", "gespreksresultaatcategorie")
        ]
        + [
            "export_contactmomentdetails",
            "view_historicalcontactmomentdetails",
            "view_exportlog",
        ]
    ),
    GROUP_ANALIST: frozenset(
        [
            "view_contactmomentdetails",
            "view_bron",
            "export_contactmomentdetails",
            "view_historicalcontactmomentdetails",
            # Reads the KPI mapping behind the figures; only a beheerder changes it.
            "view_gespreksresultaatcategorie",
        ]
    ),
    # KCM works through KISS and the API only; the group exists so the API can map it to the
    # kcm role, and it gives no admin rights at all.
    GROUP_KCM: frozenset(),
}


def role_groups_sync(apps, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions.

    ``apps`` is the app registry to use: the historical one in a migration, the final
    state after migrate.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(APP_LABEL)
    # In a migration the permissions of new models do not exist yet (Django creates them
    # after migrate); create them now. models_module must look set for create_permissions.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        permissions = permission_model.objects.using(using).filter(
            content_type__app_label=APP_LABEL, codename__in=codenames
        )
        group.permissions.set(permissions)


def role_groups_post_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    """post_migrate receiver: keep the groups in sync once our app is migrated."""
    if apps is None or app_config is None or app_config.label != APP_LABEL:
        return
    role_groups_sync(apps, using=using)


# Role -> group, in order of precedence (a user in two role groups, or with several role
# claims at an OIDC login, gets the first).
ROLE_GROUP = {Rol.BEHEERDER: GROUP_BEHEERDER, Rol.ANALIST: GROUP_ANALIST, Rol.KCM: GROUP_KCM}
# Roles that work in the admin and therefore need staff status.
ADMIN_ROLES = frozenset({Rol.BEHEERDER, Rol.ANALIST})


def user_role(user) -> str | None:
    """The role of an authenticated user or API client, or None if it has none.

    API clients (Token, JWT) carry their role; superusers are beheerder; other users get the
    role of their group (cached on the user object for the request).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    role = getattr(user, "role", None)
    if role:
        return role
    if user.is_superuser:
        return Rol.BEHEERDER
    if not user.is_active:
        return None
    if not hasattr(user, "_kiss_role_cache"):
        groups = set(user.groups.values_list("name", flat=True))
        user._kiss_role_cache = next((r for r, g in ROLE_GROUP.items() if g in groups), None)
    return user._kiss_role_cache


class SuperuserRoleConflict(Exception):
    """A superuser would keep every right whatever role it is given (see ``user_role``)."""


def user_role_assign(user, role: str, *, drop_superuser: bool = False) -> None:
    """Give ``user`` exactly one role: its group replaces any other role group.

    Beheerder and Analist work in the admin, so they become staff; KCM (API/KISS only)
    does not need admin access and its staff flag is left as it is. A superuser holds every
    right (and ``user_role`` calls it beheerder), so any other role would be a label only:
    that raises ``SuperuserRoleConflict`` unless ``drop_superuser`` removes the flag.
    """
    from django.contrib.auth.models import Group

    if user.is_superuser and role != Rol.BEHEERDER:
        if not drop_superuser:
            raise SuperuserRoleConflict(user)
        user.is_superuser = False
        user.save(update_fields=["is_superuser"])
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUP[role]))
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def user_rights_replace(user, role: str | None) -> None:
    """Give ``user`` the rights of ``role`` and no others; ``None`` leaves no rights at all.

    For users whose rights come from the identity provider: only the role group, staff status
    exactly when the role works in the admin, no superuser flag, no permissions given by hand.
    """
    from django.contrib.auth.models import Group

    user.groups.set([Group.objects.get(name=ROLE_GROUP[role])] if role else [])
    user.user_permissions.clear()
    user.is_staff = role in ADMIN_ROLES
    user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser"])
