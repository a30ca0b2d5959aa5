"""The base of every ModelAdmin in the project, and the pieces of choose-then-apply actions."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse


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


def apply_each(
    modeladmin, request, rows, apply: Callable[[Any], object], done: str | Callable[[int], str]
) -> None:
    """An admin action's work: `apply(row)` (a service call) for each row. Says how many went
    through (`done`: "%(count)d … updated." or a function of the count) and, for each row a
    service refused, why — one refusal never fails the whole page."""
    count = 0
    for row in rows:
        try:
            apply(row)
        except ValidationError as error:
            modeladmin.message_user(request, f"{row}: {' '.join(error.messages)}", messages.ERROR)
        else:
            count += 1
    if count:
        message = done(count) if callable(done) else done % {"count": count}
        modeladmin.message_user(request, message, messages.SUCCESS)


def choose_then_apply(
    modeladmin,
    request,
    rows,
    *,
    form,
    action: str,
    title: str,
    button: str,
    row_template: str | None = None,
    list_rows: bool = True,
) -> TemplateResponse:
    """The page an action shows to ask for its value (a status, a board, a target…); posting
    it runs the action again with `apply` set. `row_template` renders one row (`row`)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "rows": list(rows),
        "row_template": row_template,
        "list_rows": list_rows,
        "form": form,
        "action": action,
        "button": button,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/core/action_form.html", context)


def choose_and_apply(
    modeladmin,
    request,
    queryset,
    *,
    form_class,
    apply: Callable[[Any, dict], object],
    done: str | Callable[[int], str],
    action: str,
    title: str,
    button: str,
    **page: Any,
) -> TemplateResponse | None:
    """A whole choose-then-apply action: show `form_class` on its own page; once posted and
    valid, call `apply(row, cleaned_data)` for each row (see `apply_each`). `page` goes to
    `choose_then_apply` (row_template, list_rows)."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        apply_each(modeladmin, request, queryset, lambda row: apply(row, form.cleaned_data), done)
        return None
    return choose_then_apply(
        modeladmin, request, queryset, form=form, action=action, title=title, button=button, **page
    )
