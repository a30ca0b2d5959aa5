"""Production: everything sensitive comes from the environment; HTTPS only.

`manage.py check --deploy --fail-level WARNING` is clean with these settings (a test runs it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, SECRET_KEY, SPECTACULAR_SETTINGS, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# Behind the TLS-terminating proxy, which sets X-Forwarded-Proto (docs/operations.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is on by default: the portal is HTTPS-only on every host; turn it off before
# the first deployment if a subdomain must still speak plain HTTP.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# The schema and the browsable API are for staff; integrators use JSON and the docs shipped
# with their keys.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "helpdesk.api.negotiation.BrowsableForStaffOnly",
}
