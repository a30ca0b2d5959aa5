"""`{% page_widgets %}`: renders what apps registered in `core.registry.page_widgets`."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.registry import page_widgets as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def page_widgets(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    parts = []
    for widget in registered:
        data = widget.context(request)
        if data is not None:
            parts.append(render_to_string(widget.template, data, request=request))
    # Each part is a template rendered with autoescaping.
    return mark_safe("".join(parts))
