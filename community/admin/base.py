"""Shared admin pieces: read-only model pages and actions that apply a service to each row."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from core.admin import ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    """Rows change only through the actions (services); the change page shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]
        return [*fields, *self.readonly_fields]


def apply_each(modeladmin, request, queryset, apply: Callable, done: str) -> None:
    """Run `apply(row)` for each row; say how many went through and why others did not."""
    ok = 0
    for row in queryset:
        try:
            apply(row)
        except ValidationError as error:
            modeladmin.message_user(request, f"{row}: {' '.join(error.messages)}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, done % {"count": ok}, messages.SUCCESS)


def intermediate(modeladmin, request, queryset, *, form, action: str, title: str, button: str):
    """The page an action shows to ask for its value (a board, a target topic…)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "rows": list(queryset),
        "form": form,
        "action": action,
        "button": button,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/community/action_form.html", context)
