"""Roles decide what a client may do; one place maps every kind of user to a role.

Token and JWT clients carry their role. Session users get theirs from their Django groups
(superusers are beheerder). ``HasRole`` is the default permission of every API view; a view
narrows it with ``allowed_roles`` (all methods) or ``roles_by_method``.
"""

from django.conf import settings
from rest_framework.permissions import BasePermission

from contactmomenten.constants import Rol
from contactmomenten.roles import ROLE_GROUP

READ_ROLES = frozenset({Rol.KCM, Rol.ANALIST, Rol.BEHEERDER})
WRITE_ROLES = frozenset({Rol.KCM, Rol.BEHEERDER})


def user_role(user) -> str | None:
    """The role of an authenticated user or API client, or None if it has none."""
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


def request_role(request) -> str | None:
    return user_role(request.user)


class HasRole(BasePermission):
    """Authenticated and holding a role the view allows for this method.

    Views declare ``roles_by_method = {"GET": {...}, "PUT": {...}}`` or ``allowed_roles``;
    without either any role is enough.
    """

    message = "U heeft geen rechten voor deze actie."

    def has_permission(self, request, view):
        role = request_role(request)
        if role is None:
            return False
        by_method = getattr(view, "roles_by_method", None)
        if by_method is not None:
            method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
            if method not in by_method and not hasattr(view, request.method.lower()):
                return True  # a method the view does not serve: let DRF answer 405, not 403
            return role in by_method.get(method, ())
        allowed = getattr(view, "allowed_roles", None)
        return allowed is None or role in allowed


class DocsAccess(BasePermission):
    """The OpenAPI schema: any authenticated client, or everyone with API_DOCS_PUBLIC."""

    def has_permission(self, request, view):
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)
