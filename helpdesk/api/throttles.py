"""Request limits per API key, per user and per client address.

The address is core.http.client_ip, which honours TRUSTED_PROXY_COUNT, rather than DRF's own
NUM_PROXIES: one setting for the sign-in lockout and the API, and a forged X-Forwarded-For
never opens a fresh bucket. Rates are read from settings on each request (DRF binds them to
the class at import), so a deployment or a test that changes them is honoured.
"""

from django.conf import settings
from rest_framework import throttling

from core.http import client_ip
from helpdesk.models import ApiKey


class ClientIpMixin:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


class AnonThrottle(ClientIpMixin, throttling.AnonRateThrottle):
    """Requests without a user, per client address."""


class UserThrottle(ClientIpMixin, throttling.UserRateThrottle):
    """Signed-in requests (a session), per user; key requests are counted by KeyThrottle."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None
        return super().get_cache_key(request, view)


class KeyThrottle(ClientIpMixin, throttling.SimpleRateThrottle):
    """Requests made with an API key, per key: two integrations of one user do not starve each other."""

    scope = "key"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
