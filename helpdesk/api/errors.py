"""The API's one error shape, for every refusal of every endpoint.

    {"code": "invalid", "detail": "A sentence for people.", "errors": {"field": ["…"]}}

`code` is a stable machine word (never translated); `detail` is translated into the
request's language (Accept-Language); `errors` appears on validation errors and names
each field with its messages (`non_field_errors` for the request as a whole). A few
answers add their own keys (a 409 on a stale ticket adds `version` and `changes`).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [messages]}; nested fields join with dots."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for name, value in errors.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            flat.update(_flatten(value, key))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = errors if isinstance(errors, list) else [errors]
    return {prefix or NON_FIELD: [str(item) for item in items]}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    """DRF's handler (statuses, Retry-After, WWW-Authenticate, rollback), reshaped."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        general = errors.get(NON_FIELD)
        response.data = {
            "code": "invalid",
            "detail": " ".join(general) if general else _("Some fields are not valid; see “errors”."),
            "errors": errors,
        }
        return response
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict | list):
            response.data = {
                "code": _code(exc),
                "detail": _("The request was refused."),
                "errors": _flatten(detail),
            }
        else:
            response.data = {"code": getattr(detail, "code", None) or exc.default_code, "detail": str(detail)}
        return response
    # Http404 and PermissionDenied, converted by DRF.
    code = "not_found" if response.status_code == 404 else "permission_denied"
    message = _("Not found.") if response.status_code == 404 else _("You do not have permission to do that.")
    response.data = {"code": code, "detail": message}
    return response


def service_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal (Django's ValidationError) in the API's shape: per field when the
    service named fields, the request as a whole otherwise."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
        )
    return exceptions.ValidationError({NON_FIELD: exc.messages})


class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer (for the schema)."""

    code = serializers.CharField(help_text="A stable machine word, e.g. `invalid`, `not_found`, `throttled`.")
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors: each field with its messages (`non_field_errors` for the whole request).",
    )
