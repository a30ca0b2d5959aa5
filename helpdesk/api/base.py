"""What every API viewset shares: allow-listed query parameters, idempotent POSTs,
the error responses in the schema."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from .filtering import LIST_BACKENDS
from .idempotency import IdempotentPostMixin


class ApiViewSetMixin(IdempotentPostMixin):
    filter_backends = LIST_BACKENDS


def agents_only(request, message: str | None = None) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied(message or _("Only agents can do this."))
