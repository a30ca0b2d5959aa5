"""Small display helpers for portal templates."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def business_minutes(minutes: int | None) -> str:
    """A target in words: 60 → “1 hour”, 1440 → “24 hours”, 90 → “90 minutes”."""
    if minutes is None:
        return ""
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


@register.filter
def finding_for(report, field_name: str) -> list:
    """The quality findings of one field (for hints shown next to it)."""
    return report.for_field(field_name) if report is not None else []


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for filters and paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
