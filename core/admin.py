"""The base of every ModelAdmin in the project (registered on `core.admin_site.admin_site`)."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError


class ModelAdmin(admin.ModelAdmin):
    """Django's ModelAdmin, hardened where forged input would otherwise be a 500."""

    def response_action(self, request, queryset, *args, **kwargs):
        # Django filters `pk__in` with the raw checkbox values, so a forged non-numeric id is
        # a ValueError (500). Drop what cannot be a key; nothing selected is then the usual
        # "Items must be selected" message.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        valid = [value for value in selected if self._is_key(value)]
        if valid != selected:
            post = request.POST.copy()
            post.setlist(helpers.ACTION_CHECKBOX_NAME, valid)
            request.POST = post
        return super().response_action(request, queryset, *args, **kwargs)

    def _is_key(self, value: str) -> bool:
        try:
            self.model._meta.pk.to_python(value)
        except (ValidationError, ValueError, TypeError):
            return False
        return True
