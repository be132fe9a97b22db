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
