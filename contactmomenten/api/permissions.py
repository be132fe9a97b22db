"""Permissions of the APIs: which roles may call which method of a view.

A request's role comes from ``contactmomenten.roles.user_role`` (token and JWT clients carry
theirs, session users get it from their Django group). ``HasRole`` is the default permission
of every API view; a view narrows it with ``allowed_roles`` (all methods) or
``roles_by_method``.
"""

from django.conf import settings
from rest_framework.permissions import BasePermission

from contactmomenten.constants import Rol
from contactmomenten.roles import user_role

READ_ROLES = frozenset({Rol.KCM, Rol.ANALIST, Rol.BEHEERDER})
WRITE_ROLES = frozenset({Rol.KCM, Rol.BEHEERDER})

__all__ = ["READ_ROLES", "WRITE_ROLES", "DocsAccess", "HasRole", "request_role", "user_role"]


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
