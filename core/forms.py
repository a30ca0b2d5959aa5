"""Form pieces every app's forms share."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, cleaned to a list. Each file's type, size and content are
    checked by the service that stores it (helpdesk.services.attachments), not here."""

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else None))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per-field messages on their fields (when
    the form has them), the rest above the form. The user's input stays as typed."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = name if name in form.fields else None
        if name == NON_FIELD_ERRORS:
            target = None
        for item in errors:
            if target is not None and target in form.errors and item.messages[0] in form.errors[target]:
                continue
            form.add_error(target, item)
