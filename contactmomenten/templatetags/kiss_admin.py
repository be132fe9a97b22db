"""Template tags for the kiss-details admin: a date hierarchy that does not scan the table."""

from django import template

from contactmomenten.admin.changelist import date_hierarchy_context

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def kiss_date_hierarchy(cl):
    """Like ``{% date_hierarchy cl %}``, with choices from MIN/MAX of the date field."""
    return date_hierarchy_context(cl)
