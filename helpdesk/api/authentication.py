"""API-key authentication: `Authorization: Bearer kx_…` or `X-Api-Key: kx_…`."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from helpdesk.services.api_keys import KEY_MARK, authenticate_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Sets request.auth to the ApiKey, so that permissions can check its scopes."""

    def _presented(self, request) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        # A bearer token that is not ours (some other scheme) is left to the next authenticator.
        if scheme.lower() == "bearer" and value.strip().startswith(f"{KEY_MARK}_"):
            return value.strip()
        value = request.headers.get("X-Api-Key", "").strip()
        return value or None

    def authenticate(self, request):
        plain = self._presented(request)
        if plain is None:
            return None
        key = authenticate_key(plain=plain)
        if key is None or not key.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key."))
        return key.owner, key

    def authenticate_header(self, request) -> str:
        # A header here turns DRF's refusal into a 401 (without one it answers 403).
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Names the key in the OpenAPI schema (drf-spectacular warns about unknown authenticators)."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "kx_<prefix>_<secret>"}
