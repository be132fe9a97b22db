"""Template tags for the kiss-details admin: a date hierarchy that does not scan the table,
and counts written as a Dutch reader expects them."""

from django import template

from contactmomenten.admin.changelist import date_hierarchy_context

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def kiss_date_hierarchy(cl):
    """Like ``{% date_hierarchy cl %}``, offering only periods that have records."""
    return date_hierarchy_context(cl)


@register.filter
def kiss_aantal(count, kind: str = "exact") -> str:
    """``20000`` -> "20.000"; with kind "estimate" rounded to two significant digits and
    marked: "ca. 20.000" (``EstimatedCountPaginator.count_kind``)."""
    count = int(count or 0)
    if kind == "estimate":
        count = round(count, 2 - len(str(count))) if count >= 100 else count
    text = f"{count:,}".replace(",", ".")
    return f"ca. {text}" if kind == "estimate" else text


@register.simple_tag(takes_context=True)
def kiss_managementinformatie_url(context) -> str:
    """The dashboard's URL for a user who may open it (Beheerder, Analist), else ""."""
    from django.urls import reverse

    from contactmomenten.roles import ADMIN_ROLES, user_role

    request = context.get("request")
    if request is None or user_role(request.user) not in ADMIN_ROLES:
        return ""
    return reverse("managementinformatie")
