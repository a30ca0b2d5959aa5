"""Scopes: a request made with an API key may do only what the key was given."""

from rest_framework import permissions

from helpdesk.models import ApiKey, ApiScope


class HasKeyScope(permissions.BasePermission):
    """The view names `read_scope` (safe methods) and `write_scope`; None means any valid key.

    Sessions are not scoped: a person signed in may do what their role allows.
    """

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        if request.method in permissions.SAFE_METHODS:
            needed = getattr(view, "read_scope", None)
        else:
            needed = getattr(view, "write_scope", None)
        return needed is None or needed in key.scopes


TICKETS_READ = ApiScope.TICKETS_READ.value
TICKETS_WRITE = ApiScope.TICKETS_WRITE.value
